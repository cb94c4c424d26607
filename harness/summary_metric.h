/* SPDX-License-Identifier: MIT */
/* One metric of a group, sample by sample (summary.c), for the files that
 * summarise a part of a group: summary_metric.c (means per round),
 * summary_boot.c (boot times), summary_ksm.c (ksmd's wait). */
#ifndef LOADBENCH_SUMMARY_METRIC_H
#define LOADBENCH_SUMMARY_METRIC_H

#include "summary.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#define NONE NAN /* an instance without a value (lags may be < 0) */

/* The rows of one group and its rounds' instances by how they ended. */
struct group_rows {
	const struct instance_result *rows;
	size_t nr;
	const struct round_count *counts; /* one per round */
	unsigned int rounds;
};

/* A value of one instance, or NONE; ctx: the caller's. */
typedef double (*instance_value)(const struct instance_result *res, int which, const void *ctx);

/* Room for one sample per round; -1 if out of memory. */
int summary_metric_alloc(struct metric_summary *m, unsigned int rounds);
/* round's sample; censored: it is only a lower bound. */
void summary_metric_add(struct metric_summary *m, unsigned int round, double value, bool censored);
/* The statistics of the samples; -1 if out of memory. */
int summary_metric_finish(struct metric_summary *m);

/* One sample per round: the mean over that round's instances that have a
 * value; with whole_rounds, only from rounds where no instance failed.
 * -1 if out of memory. */
int summary_mean(struct metric_summary *m, const struct group_rows *g, instance_value value,
		 int which, const void *ctx, bool whole_rounds);

/* Booted: reached linux_start_user, sampled or not. */
bool summary_booted(const struct instance_result *res);

/* summary_boot.c: g's point_ms and delta_ms, each round's median over its
 * instances (summary.h); -1 if out of memory. */
int summary_boot(struct group_summary *g, const struct group_rows *rows, double timeout_ms);

/* summary_ksm.c: g's ksm metrics and ksm_capped, from its rows (a merging
 * loader's group); -1 if out of memory. */
int summary_ksm(struct group_summary *g, const struct instance_result *rows, size_t nr_rows,
		unsigned int rounds);

#endif
