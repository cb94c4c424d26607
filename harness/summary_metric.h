/* SPDX-License-Identifier: MIT */
/* One metric of a group, sample by sample (summary.c), for the files that
 * summarise a part of a group: summary_ksm.c. */
#ifndef LOADBENCH_SUMMARY_METRIC_H
#define LOADBENCH_SUMMARY_METRIC_H

#include "summary.h"

#include <stdbool.h>
#include <stddef.h>

/* Room for one sample per round; -1 if out of memory. */
int summary_metric_alloc(struct metric_summary *m, unsigned int rounds);
/* round's sample; censored: it is only a lower bound. */
void summary_metric_add(struct metric_summary *m, unsigned int round, double value, bool censored);
/* The statistics of the samples; -1 if out of memory. */
int summary_metric_finish(struct metric_summary *m);

/* summary_ksm.c: g's ksm metrics and ksm_capped, from its rows (a merging
 * loader's group); -1 if out of memory. */
int summary_ksm(struct group_summary *g, const struct instance_result *rows, size_t nr_rows,
		unsigned int rounds);

#endif
