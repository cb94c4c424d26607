/* SPDX-License-Identifier: MIT */
/* One row per instance per round: what was measured, or why it failed. */
#ifndef LOADBENCH_RESULTS_H
#define LOADBENCH_RESULTS_H

#include "smaps.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The trace points loadbench tabulates, in boot order. */
enum bench_point {
	POINT_LOAD_DONE,
	POINT_VMM_INIT_END,
	POINT_LINUX_START_KERNEL,
	POINT_LINUX_START_USER,
	NR_POINTS
};

#define REASON_SIZE 120
#define VMM_MAX_VALUES 2 /* instance_result.vmm_values */

/* The round's KSM figures (ksm_settle.h), the same in every row of a
 * round; -1 where its loader does not merge or a figure could not be had
 * (never a made-up 0). */
struct ksm_round {
	int64_t settle_ms;   /* the wait after the boots: until ksmd settled, or the cap */
	int settled;	     /* 1 settled, 0 the wait hit --ksm-settle-max, -1 no wait */
	int64_t ksmd_cpu_ms; /* ksmd's utime + stime during that wait */
	/* /sys/kernel/mm/ksm at sampling: host-wide, any process's merged pages. */
	int64_t pages_sharing;
	int64_t pages_shared;
};

enum instance_status {
	INSTANCE_OK,
	INSTANCE_TIMEOUT,   /* no linux_start_user before the deadline */
	INSTANCE_EXITED,    /* the VMM ended before linux_start_user */
	INSTANCE_NO_SAMPLE, /* booted, but smaps_rollup could not be read */
	INSTANCE_LAUNCH_FAILED,
	NR_INSTANCE_STATUSES
};

struct instance_result {
	unsigned int loader; /* index into bench_config.loaders */
	unsigned int instances;
	unsigned int round;
	unsigned int index;
	pid_t pid;
	struct smaps_rollup smaps;
	int64_t uss_kb;
	/* Since time zero (time_zero); -1: not reported. */
	int64_t point_ns[NR_POINTS];
	/* vmm, port or breakpoint; vmm_init_end: vmm (the VMM's own stamp),
	 * kvm_entry (the first KVM_RUN) or one the backend names (QEMU's
	 * vm_state) */
	char point_source[NR_POINTS][12];
	/* Who timed each point (timing.h): tracefs, vmm or arrival. */
	char point_timing[NR_POINTS][8];
	/* exec (the VMM's sched_process_exec, tracefs) or pre_exec (our stamp
	 * just before execv, where tracefs saw no exec). */
	char time_zero[9];
	int64_t vmm_setup_done_ns; /* loadvm: just before its first KVM_RUN */
	int64_t vmm_start_ns;	   /* loadvm: its main(); load_done's delta counts from it */
	/* Figures only the row's VMM has, as its backend defines them
	 * (backend.h: vmm_backend.values); -1 when not measured. */
	int64_t vmm_values[VMM_MAX_VALUES];
	int64_t user_exit_ns;	 /* KVM's exit for the linux_start_user byte (tracefs) */
	int64_t user_arrival_ns; /* the same byte as the VMM's channel brought it */
	struct ksm_round ksm;
	long minor_faults;
	double user_ms;
	double system_ms;
	enum instance_status status;
	char reason[REASON_SIZE]; /* one line of UTF-8 (failure_reason.h) */
};

/* The names loadvm writes for each bench_point. */
const char *bench_point_name(enum bench_point point);
/* The point for a trace name, or -1. */
int bench_point_from_name(const char *name);
const char *instance_status_name(enum instance_status status);
/* No KSM figure: every one -1. */
void ksm_round_clear(struct ksm_round *ksm);
/* Nothing measured yet: every number -1 (missing), every text empty. */
void instance_result_clear(struct instance_result *res);
/* Sampled with pages swapped out: its USS and PSS understate its footprint. */
bool instance_swapped(const struct instance_result *res);

#endif
