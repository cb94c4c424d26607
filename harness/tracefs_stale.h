/* SPDX-License-Identifier: MIT */
/*
 * Tracefs instances that a loadbench left behind when it could not remove
 * them (SIGKILL, a crash): kvm_tracefs_open names them
 * loadbench-<pid>-<serial>, and left alone they would hold their ring
 * buffers until the next reboot. At start-up loadbench removes those whose
 * pid is no longer a running loadbench; a live loadbench's are in use.
 */
#ifndef LOADBENCH_TRACEFS_STALE_H
#define LOADBENCH_TRACEFS_STALE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The pid in an instance name "loadbench-<pid>-<serial>"; 0 for any
 * other name (not one of ours). */
pid_t tracefs_stale_pid(const char *name);

/* Whether a process is a loadbench, from what /proc says of it: comm
 * (NULL: no such process), exe's target ("" if unreadable) and cmdline's
 * NUL-separated arguments (a loadbench under valgrind shows only there). */
bool tracefs_stale_is_loadbench(const char *comm, const char *exe, const char *args,
				size_t args_len);

/* Where tracefs is usable (kvm_tracefs_unavailable): removes every
 * instance of a pid that is not a running loadbench, or is our own pid
 * (we have made none yet). What it did waits in a buffer until
 * tracefs_stale_report(), so that a run refused for its inputs still says
 * one line only. */
void tracefs_stale_remove(void);
/* One line on stderr per instance removed or not removable. */
void tracefs_stale_report(void);

#endif
