// SPDX-License-Identifier: MIT
/* A metric's samples, one per round, and their statistics (summary.h). */
#include "summary_metric.h"

#include <stdlib.h>
#include <string.h>

int summary_metric_alloc(struct metric_summary *m, unsigned int rounds)
{
	m->samples = calloc(rounds + 1, sizeof(*m->samples));
	m->sample_rounds = calloc(rounds + 1, sizeof(*m->sample_rounds));
	m->sample_censored = calloc(rounds + 1, sizeof(*m->sample_censored));
	return m->samples && m->sample_rounds && m->sample_censored ? 0 : -1;
}

void summary_metric_add(struct metric_summary *m, unsigned int round, double value, bool censored)
{
	m->samples[m->nr_samples] = value;
	m->sample_rounds[m->nr_samples] = round;
	m->sample_censored[m->nr_samples] = censored;
	m->nr_samples++;
	m->nr_censored += censored;
}

/* Statistics over a copy, so the samples stay in round order. */
int summary_metric_finish(struct metric_summary *m)
{
	double *sorted = malloc((m->nr_samples + 1) * sizeof(double)), median;

	if (!sorted)
		return -1;
	memcpy(sorted, m->samples, m->nr_samples * sizeof(double));
	stats_compute(sorted, m->nr_samples, &m->stats);
	free(sorted);
	if (m->nr_samples == 0)
		return 0;
	return stats_censored_median(m->samples, m->sample_censored, m->nr_samples, &median,
				     &m->lower_bound);
}

bool summary_booted(const struct instance_result *res)
{
	return res->point_ns[POINT_LINUX_START_USER] >= 0 &&
	       (res->status == INSTANCE_OK || res->status == INSTANCE_NO_SAMPLE);
}

static bool round_failed(const struct round_count *c)
{
	return c->launched > c->status[INSTANCE_OK];
}

int summary_mean(struct metric_summary *m, const struct group_rows *g, instance_value value,
		 int which, const void *ctx, bool whole_rounds)
{
	if (summary_metric_alloc(m, g->rounds))
		return -1;
	for (unsigned r = 0; r < g->rounds; r++) {
		double sum = 0;
		unsigned count = 0;

		if (whole_rounds && round_failed(&g->counts[r])) {
			m->excluded++;
			continue;
		}
		for (size_t i = 0; i < g->nr; i++) {
			double v = g->rows[i].round == r ? value(&g->rows[i], which, ctx) : NONE;

			if (!isnan(v)) {
				sum += v;
				count++;
			}
		}
		if (count)
			summary_metric_add(m, r, sum / count, false);
	}
	return summary_metric_finish(m);
}
