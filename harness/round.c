// SPDX-License-Identifier: MIT
/* One round: its instances prepared, launched, followed, sampled and
 * stopped, in that order (the parts: round_internal.h). */
#include "round.h"
#include "round_internal.h"

#include "image_cache.h"
#include "ksm_settle.h"
#include "log.h"
#include "monotonic.h"
#include "sharing_log.h"
#include "tracefs_lost.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void sample(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct instance_result *res = runs[i].res;

		if (!booted(&runs[i]) || res->status != INSTANCE_OK)
			continue;
		if (smaps_read_pid(res->pid, &res->smaps) != 0) {
			set_failure(res, INSTANCE_NO_SAMPLE, strerror(errno));
			continue;
		}
		res->uss_kb = smaps_uss_kb(&res->smaps);
	}
}

/* Page-level attribution, after the timed sampling so it does not count. */
static void attribute_pages(const struct bench_config *config, struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (runs[i].res->status == INSTANCE_OK)
			sharing_log_instance(config->sharing, config->loaders[runs[i].res->loader],
					     runs[i].res);
}

static void init_instance(const struct bench_config *config, struct running *r,
			  struct instance_result *res, unsigned loader, unsigned n, unsigned round,
			  unsigned index)
{
	memset(r, 0, sizeof(*r));
	instance_result_clear(res);
	tracefs_times_clear(&r->tracefs);
	r->res = res;
	r->backend = loader_backend(config, loader);
	for (int c = 0; c < NR_CHANNELS; c++)
		r->fd[c] = -1;
	res->loader = loader;
	res->instances = n;
	res->round = round;
	res->index = index;
	snprintf(r->log_path, sizeof(r->log_path), "%s/logs/%s-n%u-r%u-i%u.log", config->out_dir,
		 config->loaders[loader], n, round, index);
	snprintf(r->launch.serial, sizeof(r->launch.serial), "%s/logs/%s-n%u-r%u-i%u.serial",
		 config->out_dir, config->loaders[loader], n, round, index);
}

/* The backend's argv and the instance's own fds, before the clock runs. */
static int prepare(const struct bench_config *config, struct running *r, unsigned loader)
{
	if (r->backend->prepare(config, loader, &r->launch) == 0)
		return 0;
	launch_close_fds(&r->launch);
	set_failure(r->res, INSTANCE_LAUNCH_FAILED,
		    r->launch.failure[0] ? r->launch.failure : "could not prepare the instance");
	return -1;
}

static void finish_instances(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct instance_result *res = runs[i].res;

		launch_close_fds(&runs[i].launch); /* if it never launched */
		/* Keep the VMM's stderr and console only where they explain a failure. */
		if (res->status == INSTANCE_OK) {
			unlink(runs[i].log_path);
			unlink(runs[i].launch.serial);
		}
	}
}

/* The seed's definitions for every VMM (kvm_tracefs.h), where tracefs
 * allows it; else each VMM's own stamps and arrivals, on the pre-exec zero. */
static void open_tracefs(const struct bench_config *config, struct round_state *s)
{
	static int warned;

	if (!s->n || !config->tracefs_timing)
		return;
	if (kvm_tracefs_open(&s->tracefs, config->first_rips, config->nr_first_rips) != 0 &&
	    !warned++)
		pr_errno("tracefs: cannot record the VMMs' exec, first KVM_RUN and port writes; "
			 "times fall back to their own stamps (raw.csv's *_timed_by)");
}

/* Points whose events the ring buffer lost came from the VMMs' own stamps. */
static void note_lost_events(const struct bench_config *config, const struct round_state *s,
			     struct round_timing *timing, unsigned int loader, unsigned int round)
{
	timing->tracefs_lost = s->tracefs.instance ? tracefs_lost_events(s->tracefs.dir) : -1;
	if (timing->tracefs_lost > 0)
		pr_err("warning: %s N=%u round %u/%u: tracefs lost %lld events; their points fall "
		       "back to the VMMs' own stamps (raw.csv's *_timed_by)",
		       config->loaders[loader], s->n, round + 1, config->rounds,
		       timing->tracefs_lost);
}

/* A merging loader's round, once its guests booted: ksmd goes over their
 * pages before the sample, for up to --ksm-settle-max (ksm_settle.h).
 * Without a running guest there is nothing to merge. */
static void settle_ksm(const struct bench_config *config, const struct running *runs, unsigned n,
		       unsigned int loader, unsigned int round, struct ksm_round *ksm)
{
	bool running = false;

	for (unsigned i = 0; i < n; i++)
		running |= booted(&runs[i]) && runs[i].res->status == INSTANCE_OK;
	if (!running)
		return;
	ksm_settle_wait(config->ksm_root, config->ksm_settle_max_s, &ksm_monotonic_clock, ksm);
	if (ksm->settled == 0)
		pr_err("warning: %s N=%u round %u/%u: ksmd had not settled after --ksm-settle-max "
		       "%g s; sampled anyway (raw.csv: ksm_settled=0)",
		       config->loaders[loader], n, round + 1, config->rounds,
		       config->ksm_settle_max_s);
}

int round_run(const struct bench_config *config, unsigned int loader, unsigned int n,
	      unsigned int round, struct instance_result *results, struct round_timing *timing)
{
	struct round_state s = {
		config, calloc(n, sizeof(struct running)), n, { .instance = NULL, .slot = -1 }
	};
	int64_t *zeros = mmap(NULL, (n + 1) * sizeof(int64_t), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double start, booted_at, sample_start, settle_left;
	struct ksm_round ksm;
	int launched = 0;

	timing->tracefs_lost = -1;
	if (!s.runs || zeros == MAP_FAILED) {
		pr_err("out of memory for %u instances", n);
		free(s.runs);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		init_instance(config, &s.runs[i], &results[i], loader, n, round, i);
		s.runs[i].zero_ns = &zeros[i];
	}
	for (unsigned i = 0; i < n; i++)
		prepare(config, &s.runs[i], loader);
	open_tracefs(config, &s);
	/* Last before the launch: the instances' own copies (qemu-private's
	 * memfds) are made, and nothing reads the images until the VMMs do. */
	timing->resident_pages =
		config->image_cache ? image_cache_before_launch(config->image_cache, config) : -1;
	start = monotonic_s();
	for (unsigned i = 0; i < n; i++)
		if (results[i].status == INSTANCE_OK)
			launched += instance_launch(&s.runs[i]) == 0;
	timing->launch_ms = (monotonic_s() - start) * 1e3;
	round_follow_traces(&s, start + config->timeout_s);
	note_lost_events(config, &s, timing, loader, round);
	kvm_tracefs_close(&s.tracefs);
	booted_at = monotonic_s();
	timing->boot_ms = (booted_at - start) * 1e3;
	ksm_round_clear(&ksm);
	if (loader_merges(config, loader))
		settle_ksm(config, s.runs, n, loader, round, &ksm);
	/* --settle counts from the last boot, a wait for ksmd included. */
	settle_left = booted_at + config->settle_s - monotonic_s();
	if (settle_left > 0)
		sleep_s(settle_left);
	instance_reap_exited(s.runs, n);
	if (loader_merges(config, loader))
		ksm_read_pages(config->ksm_root, &ksm);
	sample_start = monotonic_s();
	sample(s.runs, n);
	timing->sample_ms = (monotonic_s() - sample_start) * 1e3;
	for (unsigned i = 0; i < n; i++)
		results[i].ksm = ksm;
	attribute_pages(config, s.runs, n);
	instance_stop_all(s.runs, n);
	finish_instances(s.runs, n);
	munmap(zeros, (n + 1) * sizeof(int64_t));
	free(s.runs);
	return launched > 0 ? 0 : -1;
}
