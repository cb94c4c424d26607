/* SPDX-License-Identifier: MIT */
/*
 * What the files of one round share (round.c runs it; instance_launch.c,
 * round_events.c and instance_reap.c do one part each). Not for callers
 * outside a round: they use round.h.
 */
#ifndef LOADBENCH_ROUND_INTERNAL_H
#define LOADBENCH_ROUND_INTERNAL_H

#include "backend.h"
#include "failure_reason.h"
#include "kvm_tracefs.h"
#include "results.h"
#include "trace_input.h"

#include <stdint.h>
#include <time.h>

/* epoll tags: instance index * 2 + channel. */
enum { CHANNEL_TRACE, CHANNEL_LOG, NR_CHANNELS };

/* One instance of the round, from its launch until it is reaped. */
struct running {
	struct instance_result *res;
	const struct vmm_backend *backend;
	struct vmm_launch launch;
	int fd[NR_CHANNELS]; /* our read ends; -1 when closed */
	struct line_reader lines[NR_CHANNELS];
	volatile int64_t *zero_ns;    /* CLOCK_MONOTONIC just before exec, by the child */
	struct tracefs_times tracefs; /* what tracefs saw of its process */
	int eof;		      /* the trace channel closed: the VMM has ended */
	int reaped;
	int reported; /* its boot or failure is in progress.log */
	char log_path[512];
};

/* The round as its event loop sees it: tracefs events name threads, which
 * are mapped to runs[] by process. */
struct round_state {
	const struct bench_config *config;
	struct running *runs;
	unsigned n;
	struct kvm_tracefs tracefs; /* instance NULL: not used this round */
};

static inline int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int booted(const struct running *r)
{
	return r->res->point_ns[POINT_LINUX_START_USER] >= 0;
}

static inline void set_failure(struct instance_result *res, enum instance_status status,
			       const char *why)
{
	res->status = status;
	reason_set(res->reason, sizeof(res->reason), why);
}

/* instance_launch.c: forks and execs r's VMM with its trace channels;
 * 0, or -1 with r->res saying why. */
int instance_launch(struct running *r);

/* round_events.c: follows the trace channels (and tracefs) until every
 * instance booted, ended, or deadline_s (monotonic_s) passed. */
void round_follow_traces(struct round_state *s, double deadline_s);

/* instance_reap.c: reaps, with rusage, the instances that have ended. */
void instance_reap_exited(struct running *runs, unsigned n);
/* instance_reap.c: stops every instance still running, and reaps it. */
void instance_stop_all(struct running *runs, unsigned n);

#endif
