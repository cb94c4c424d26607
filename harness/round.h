/* SPDX-License-Identifier: MIT */
/*
 * One round: launch N loadvm instances at once, follow their trace pipes
 * (epoll) until each reached linux_start_user or failed, let them settle,
 * sample smaps_rollup, stop them and keep their rusage.
 */
#ifndef LOADBENCH_ROUND_H
#define LOADBENCH_ROUND_H

#include "bench_config.h"
#include "results.h"

struct round_timing {
	double launch_ms; /* first fork to last exec handed off */
	double boot_ms;	  /* first fork until every instance booted or failed */
	double sample_ms; /* reading every booted instance's smaps_rollup */
	/* The images' pages in the page cache just before launch (after the
	 * eviction with --cache cold); -1 when not counted. */
	long long resident_pages;
	/* Events the round's tracefs instance lost (tracefs_lost.h); -1 when
	 * the round had no instance. */
	long long tracefs_lost;
};

/* Fills results[0..n). Returns 0, or -1 if the round could not run at all
 * (the results then say why, instance by instance). */
int round_run(const struct bench_config *config, unsigned int loader, unsigned int n,
	      unsigned int round, struct instance_result *results, struct round_timing *timing);

#endif
