// SPDX-License-Identifier: MIT
/* A group's boot times (summary.h): per round, the median over all its
 * instances, one that timed out counted at the timeout. */
#include "summary_metric.h"

#include <stdlib.h>

/* What a group's boot times need to know beyond one instance. */
struct boot_context {
	/* Some instance of the group reported the point: one that timed out
	 * without it would have reported it later. linux_start_user: always. */
	bool expected[NR_POINTS];
	double timeout_ms; /* a timed-out instance's points are counted at this */
};

/* An instance's time at a point (ms), or NONE; *censored: only a lower
 * bound, the instance timed out before it reported the point. */
static double boot_point(const struct instance_result *res, int which, const struct boot_context *b,
			 bool *censored)
{
	*censored = false;
	if (res->point_ns[which] >= 0 && (summary_booted(res) || res->status == INSTANCE_TIMEOUT))
		return (double)res->point_ns[which] / 1e6;
	if (res->status != INSTANCE_TIMEOUT || !b->expected[which])
		return NONE;
	*censored = true;
	return b->timeout_ms;
}

/* From the previous point the instance reported (load_done: from the VMM's
 * own start where it reports one, loadvm's main(), so that load_done's
 * delta is the load phase without exec and dynamic linking). For a
 * censored point that is a lower bound too, unless an expected point
 * before it is missing as well: then the delta is bounded by 0 only. */
static double boot_delta(const struct instance_result *res, int which, const struct boot_context *b,
			 bool *censored)
{
	double value = boot_point(res, which, b, censored);
	int previous = which - 1;
	int64_t start;

	if (isnan(value))
		return NONE;
	while (previous >= 0 && res->point_ns[previous] < 0) {
		if (*censored && b->expected[previous])
			return 0;
		previous--;
	}
	start = previous >= 0		? res->point_ns[previous]
		: res->vmm_start_ns > 0 ? res->vmm_start_ns
					: 0;
	if (*censored)
		return value - (double)start / 1e6;
	return (double)(res->point_ns[which] - start) / 1e6;
}

/* One sample per round: the median over all its instances, those that timed
 * out counted at the timeout (a censored sample, see summary.h); rounds
 * where an instance exited or was not launched are excluded. */
static int summarise_boot(struct metric_summary *m, const struct group_rows *g,
			  const struct boot_context *b, int which, bool delta)
{
	const struct instance_result *rows = g->rows;
	double *values = malloc((g->nr + 1) * sizeof(*values));
	bool *censored = malloc((g->nr + 1) * sizeof(*censored));
	int err = !values || !censored || summary_metric_alloc(m, g->rounds);

	for (unsigned r = 0; r < g->rounds && !err; r++) {
		unsigned count = 0;
		double median;
		bool lower_bound;

		if (g->counts[r].status[INSTANCE_EXITED] ||
		    g->counts[r].status[INSTANCE_LAUNCH_FAILED]) {
			m->excluded += b->expected[which];
			continue;
		}
		for (size_t i = 0; i < g->nr; i++) {
			double v = NONE;

			if (rows[i].round == r)
				v = delta ? boot_delta(&rows[i], which, b, &censored[count])
					  : boot_point(&rows[i], which, b, &censored[count]);
			if (!isnan(v))
				values[count++] = v;
		}
		if (!count)
			continue;
		err = stats_censored_median(values, censored, count, &median, &lower_bound);
		if (!err)
			summary_metric_add(m, r, median, lower_bound);
	}
	free(values);
	free(censored);
	return err ? -1 : summary_metric_finish(m);
}

int summary_boot(struct group_summary *g, const struct group_rows *rows, double timeout_ms)
{
	struct boot_context b = { .timeout_ms = timeout_ms };
	int err = 0;

	b.expected[POINT_LINUX_START_USER] = true;
	for (size_t i = 0; i < rows->nr; i++)
		for (int p = 0; p < NR_POINTS; p++)
			b.expected[p] |= rows->rows[i].point_ns[p] >= 0;
	for (int p = 0; p < NR_POINTS; p++) {
		err |= summarise_boot(&g->point_ms[p], rows, &b, p, false);
		err |= summarise_boot(&g->delta_ms[p], rows, &b, p, true);
	}
	return err ? -1 : 0;
}
