// SPDX-License-Identifier: MIT
/* A merging loader's group: one sample per round of its wait for ksmd and
 * of what ksmd had merged at the sample (summary.h). */
#include "summary_metric.h"

const char *ksm_metric_name(enum ksm_metric metric)
{
	static const char *const names[NR_KSM_METRICS] = {
		"settle_ms",
		"ksmd_cpu_ms",
		"pages_sharing",
		"pages_shared",
	};

	return names[metric];
}

static int64_t figure(const struct ksm_round *ksm, int which)
{
	switch (which) {
	case KSM_SETTLE_MS: return ksm->settle_ms;
	case KSM_KSMD_CPU_MS: return ksm->ksmd_cpu_ms;
	case KSM_PAGES_SHARING: return ksm->pages_sharing;
	default: return ksm->pages_shared;
	}
}

/* The round's figures are in each of its rows: the first one's; NULL if
 * the round has no row. */
static const struct ksm_round *round_figures(const struct instance_result *rows, size_t nr_rows,
					     unsigned int round)
{
	for (size_t i = 0; i < nr_rows; i++)
		if (rows[i].round == round)
			return &rows[i].ksm;
	return NULL;
}

int summary_ksm(struct group_summary *g, const struct instance_result *rows, size_t nr_rows,
		unsigned int rounds)
{
	int err = 0;

	for (int m = 0; m < NR_KSM_METRICS; m++)
		err |= summary_metric_alloc(&g->ksm[m], rounds);
	for (unsigned r = 0; r < rounds && !err; r++) {
		const struct ksm_round *ksm = round_figures(rows, nr_rows, r);
		/* A failed guest leaves fewer pages to merge, as it leaves fewer
		 * sharers to memory: the round is excluded and counted. */
		bool failed = g->rounds[r].launched > g->rounds[r].status[INSTANCE_OK];

		if (!ksm)
			continue;
		g->ksm_capped += ksm->settled == 0;
		for (int m = 0; m < NR_KSM_METRICS; m++) {
			if (figure(ksm, m) < 0)
				continue;
			if (failed)
				g->ksm[m].excluded++;
			else
				summary_metric_add(&g->ksm[m], r, (double)figure(ksm, m),
						   m == KSM_SETTLE_MS && ksm->settled == 0);
		}
	}
	for (int m = 0; m < NR_KSM_METRICS && !err; m++)
		err |= summary_metric_finish(&g->ksm[m]);
	return err ? -1 : 0;
}
