/* SPDX-License-Identifier: MIT */
/*
 * Events a tracefs instance could not keep: its ring buffer was full
 * (overrun: older events overwritten; commit overrun; dropped events).
 * A lost exec, first kvm_entry or port write leaves a point to the
 * VMM's own stamp, so every round says how many it lost.
 */
#ifndef LOADBENCH_TRACEFS_LOST_H
#define LOADBENCH_TRACEFS_LOST_H

/* The sum over <instance_dir>/per_cpu/cpu<N>/stats of "overrun",
 * "commit overrun" and "dropped events"; -1 if no stats file was read. */
long long tracefs_lost_events(const char *instance_dir);

#endif
