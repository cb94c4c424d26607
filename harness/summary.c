// SPDX-License-Identifier: MIT
#include "summary.h"

#include "backend.h"
#include "log.h"
#include "summary_metric.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const enum smaps_field mem_fields[NR_MEM_METRICS] = {
	[MEM_USS] = SMAPS_NR_FIELDS, /* computed, not a field */
	[MEM_PSS] = SMAPS_PSS,
	[MEM_RSS] = SMAPS_RSS,
	[MEM_PSS_ANON] = SMAPS_PSS_ANON,
	[MEM_PSS_FILE] = SMAPS_PSS_FILE,
	[MEM_SHARED_CLEAN] = SMAPS_SHARED_CLEAN,
	[MEM_PRIVATE_DIRTY] = SMAPS_PRIVATE_DIRTY,
};

const char *mem_metric_name(enum mem_metric metric)
{
	static const char *const names[NR_MEM_METRICS] = {
		"uss", "pss", "rss", "pss_anon", "pss_file", "shared_clean", "private_dirty",
	};

	return names[metric];
}

const char *usage_metric_name(enum usage_metric metric)
{
	static const char *const names[NR_USAGE_METRICS] = { "minor_faults", "user_ms",
							     "system_ms" };

	return names[metric];
}

const char *harness_metric_name(enum harness_metric metric)
{
	static const char *const names[NR_HARNESS_METRICS] = { "launch_ms", "boot_ms",
							       "sample_ms" };

	return names[metric];
}

unsigned int summary_group_index(const struct bench_config *config, unsigned int count_index,
				 unsigned int loader)
{
	return count_index * config->nr_loaders + loader;
}

static double mem_value(const struct instance_result *res, int which, const void *ctx)
{
	int64_t kb;

	(void)ctx;
	if (res->status != INSTANCE_OK)
		return NONE;
	kb = which == MEM_USS ? res->uss_kb : res->smaps.kb[mem_fields[which]];
	return kb < 0 ? NONE : (double)kb;
}

/* The VMM's own arrival figure (backend.h: vmm_arrival), of a booted instance. */
static double arrival_value(const struct instance_result *res, int which, const void *ctx)
{
	const struct vmm_arrival *arrival = ctx;

	return summary_booted(res) ? arrival->value(res, (unsigned)which) : NONE;
}

static double usage_value(const struct instance_result *res, int which, const void *ctx)
{
	(void)ctx;
	if (res->status == INSTANCE_LAUNCH_FAILED)
		return NONE;
	if (which == USAGE_MINOR_FAULTS)
		return (double)res->minor_faults;
	return which == USAGE_USER_MS ? res->user_ms : res->system_ms;
}

static int summarise_timings(struct metric_summary *m, const struct round_timing *t,
			     unsigned int rounds, int which)
{
	if (summary_metric_alloc(m, rounds))
		return -1;
	for (unsigned r = 0; r < rounds; r++)
		summary_metric_add(m, r,
				   which == HARNESS_LAUNCH_MS ? t[r].launch_ms
				   : which == HARNESS_BOOT_MS ? t[r].boot_ms
							      : t[r].sample_ms,
				   false);
	return summary_metric_finish(m);
}

/* Instances by how they ended, per round and in all. */
static int count_instances(struct group_summary *g, const struct instance_result *rows,
			   size_t nr_rows, unsigned int rounds)
{
	g->rounds = calloc(rounds + 1, sizeof(*g->rounds));
	if (!g->rounds)
		return -1;
	g->launched = (unsigned)nr_rows;
	for (size_t i = 0; i < nr_rows; i++) {
		g->status[rows[i].status]++;
		if (rows[i].status == INSTANCE_OK)
			g->booted++;
		else
			g->failed++;
		g->swapped += instance_swapped(&rows[i]);
		if (rows[i].round < rounds) {
			g->rounds[rows[i].round].launched++;
			g->rounds[rows[i].round].status[rows[i].status]++;
		}
	}
	return 0;
}

/* The VMM's arrival figures and its instances by vmm_init_end's source. */
static int summarise_arrival(struct group_summary *g, const struct group_rows *rows)
{
	const char *const *sources = g->arrival->init_end_sources;
	int err = 0;

	for (unsigned a = 0; a < VMM_MAX_ARRIVAL_METRICS && g->arrival->metrics[a]; a++)
		err |= summary_mean(&g->arrival_ms[a], rows, arrival_value, (int)a, g->arrival,
				    false);
	for (size_t i = 0; i < rows->nr; i++)
		for (unsigned s = 0; s < VMM_MAX_INIT_END_SOURCES && sources[s]; s++)
			g->init_end_sources[s] +=
				rows->rows[i].point_ns[POINT_VMM_INIT_END] >= 0 &&
				strcmp(rows->rows[i].point_source[POINT_VMM_INIT_END],
				       sources[s]) == 0;
	return err;
}

static int compute_group(struct group_summary *g, const struct bench_config *config,
			 const struct instance_result *rows, size_t nr_rows,
			 const struct round_timing *timings)
{
	const unsigned rounds = config->rounds;
	struct group_rows group = { rows, nr_rows, NULL, rounds };
	int err;

	if (count_instances(g, rows, nr_rows, rounds))
		return -1;
	group.counts = g->rounds;
	err = summary_boot(g, &group, config->timeout_s * 1e3);
	for (int m = 0; m < NR_MEM_METRICS; m++)
		err |= summary_mean(&g->mem_kb[m], &group, mem_value, m, NULL, true);
	for (int u = 0; u < NR_USAGE_METRICS; u++)
		err |= summary_mean(&g->usage[u], &group, usage_value, u, NULL, false);
	for (int h = 0; h < NR_HARNESS_METRICS; h++)
		err |= summarise_timings(&g->harness[h], timings, rounds, h);
	g->arrival = loader_backend(config, g->loader)->arrival;
	if (g->arrival)
		err |= summarise_arrival(g, &group);
	g->merges = loader_merges(config, g->loader);
	if (g->merges)
		err |= summary_ksm(g, rows, nr_rows, rounds);
	return err ? -1 : 0;
}

/* Rows of one group are contiguous when written in run order per group;
 * gather them so each group is summarised from its own rows only. */
static struct instance_result *rows_of(const struct instance_result *results, size_t nr,
				       unsigned loader, unsigned instances, size_t *count)
{
	struct instance_result *rows = malloc((nr + 1) * sizeof(*rows));

	*count = 0;
	if (!rows)
		return NULL;
	for (size_t i = 0; i < nr; i++)
		if (results[i].loader == loader && results[i].instances == instances)
			rows[(*count)++] = results[i];
	return rows;
}

static void summarise_cache(struct cache_summary *c, const struct round_timing *t, size_t nr)
{
	c->min_pages = c->max_pages = -1;
	for (size_t i = 0; i < nr; i++) {
		long long pages = t[i].resident_pages;

		if (pages < 0)
			continue;
		c->rounds++;
		c->rounds_with_pages += pages > 0;
		if (c->min_pages < 0 || pages < c->min_pages)
			c->min_pages = pages;
		if (pages > c->max_pages)
			c->max_pages = pages;
	}
}

int summary_compute(struct run_summary *summary, const struct bench_config *config,
		    const struct instance_result *results, size_t nr_results,
		    const struct round_timing *timings)
{
	memset(summary, 0, sizeof(*summary));
	summary->config = config;
	summary->results = results;
	summary->nr_results = nr_results;
	summary->timings = timings;
	summary->nr_groups = config->nr_instance_counts * config->nr_loaders;
	summarise_cache(&summary->cache, timings, (size_t)summary->nr_groups * config->rounds);
	summary->groups = calloc(summary->nr_groups, sizeof(*summary->groups));
	if (!summary->groups)
		return -1;
	for (unsigned c = 0; c < config->nr_instance_counts; c++) {
		for (unsigned l = 0; l < config->nr_loaders; l++) {
			unsigned gi = summary_group_index(config, c, l);
			struct group_summary *g = &summary->groups[gi];
			size_t count;
			struct instance_result *rows =
				rows_of(results, nr_results, l, config->instance_counts[c], &count);

			g->loader = l;
			g->instances = config->instance_counts[c];
			if (!rows || compute_group(g, config, rows, count,
						   timings + (size_t)gi * config->rounds)) {
				free(rows);
				pr_err("out of memory computing statistics");
				return -1;
			}
			free(rows);
		}
	}
	return 0;
}

static void free_metrics(struct metric_summary *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].samples);
		free(m[i].sample_rounds);
		free(m[i].sample_censored);
	}
}

void summary_free(struct run_summary *summary)
{
	for (unsigned i = 0; i < summary->nr_groups; i++) {
		struct group_summary *g = &summary->groups[i];

		free_metrics(g->mem_kb, NR_MEM_METRICS);
		free_metrics(g->point_ms, NR_POINTS);
		free_metrics(g->delta_ms, NR_POINTS);
		free_metrics(g->usage, NR_USAGE_METRICS);
		free_metrics(g->harness, NR_HARNESS_METRICS);
		free_metrics(g->arrival_ms, VMM_MAX_ARRIVAL_METRICS);
		free_metrics(g->ksm, NR_KSM_METRICS);
		free(g->rounds);
	}
	free(summary->groups);
	summary->groups = NULL;
}

const struct group_summary *summary_group(const struct run_summary *summary, unsigned int loader,
					  unsigned int instances)
{
	for (unsigned i = 0; i < summary->nr_groups; i++)
		if (summary->groups[i].loader == loader &&
		    summary->groups[i].instances == instances)
			return &summary->groups[i];
	return NULL;
}
