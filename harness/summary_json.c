// SPDX-License-Identifier: MIT
#include "summary_json.h"

#include "backend.h"
#include "comparisons.h"
#include "config_record.h"
#include "density.h"
#include "json_writer.h"
#include "sharing_summary.h"

#include <stdio.h>
#include <string.h>

void summary_json_metric(struct json_writer *j, const char *key, const struct metric_summary *m)
{
	const struct sample_stats *s = &m->stats;

	jw_object_begin(j, key);
	jw_integer(j, "n", s->n);
	if (s->n == 0) {
		/* Nothing measured: null, never a made-up zero. */
		jw_null(j, "median");
		jw_null(j, "mean");
	} else {
		jw_number(j, "median", s->median);
		jw_number(j, "mean", s->mean);
		jw_number(j, "min", s->min);
		jw_number(j, "max", s->max);
		jw_number(j, "stddev", s->stddev);
		jw_number(j, "ci95", s->ci95);
	}
	/* The median of samples some of which are lower bounds may be one too. */
	jw_bool(j, "lower_bound", s->n && m->lower_bound);
	jw_integer(j, "censored", m->nr_censored);
	jw_integer(j, "excluded", m->excluded);
	jw_array_begin(j, "samples");
	for (unsigned i = 0; i < m->nr_samples; i++)
		jw_number(j, NULL, m->samples[i]);
	jw_array_end(j);
	jw_array_begin(j, "sample_rounds");
	for (unsigned i = 0; i < m->nr_samples; i++)
		jw_integer(j, NULL, m->sample_rounds[i]);
	jw_array_end(j);
	jw_array_begin(j, "censored_rounds");
	for (unsigned i = 0; i < m->nr_samples; i++)
		if (m->sample_censored[i])
			jw_integer(j, NULL, m->sample_rounds[i]);
	jw_array_end(j);
	jw_object_end(j);
}

static void write_statuses(struct json_writer *j, const char *key, const unsigned int *status)
{
	jw_object_begin(j, key);
	for (int s = 0; s < NR_INSTANCE_STATUSES; s++)
		jw_integer(j, instance_status_name(s), status[s]);
	jw_object_end(j);
}

/* Each round's instances by how they ended: what its samples stand on. */
static void write_rounds(struct json_writer *j, const struct run_summary *summary,
			 const struct group_summary *g)
{
	jw_array_begin(j, "rounds");
	for (unsigned r = 0; r < summary->config->rounds; r++) {
		jw_object_begin(j, NULL);
		jw_integer(j, "round", r);
		jw_integer(j, "launched", g->rounds[r].launched);
		for (int s = 0; s < NR_INSTANCE_STATUSES; s++)
			jw_integer(j, instance_status_name(s), g->rounds[r].status[s]);
		jw_object_end(j);
	}
	jw_array_end(j);
}

static void write_config(struct json_writer *j, const struct bench_config *config)
{
	jw_object_begin(j, "config");
	config_record_lists(j, config);
	config_record_run_shape(j, config);
	jw_string(j, "break_symbol", config->break_symbol);
	jw_string(j, "breakpoint", config->break_status);
	jw_object_end(j);
}

static void write_failures(struct json_writer *j, const struct run_summary *summary,
			   const struct group_summary *g)
{
	jw_array_begin(j, "failures");
	for (size_t i = 0; i < summary->nr_results; i++) {
		const struct instance_result *r = &summary->results[i];

		if (r->loader != g->loader || r->instances != g->instances ||
		    r->status == INSTANCE_OK)
			continue;
		jw_object_begin(j, NULL);
		jw_integer(j, "round", r->round);
		jw_integer(j, "instance", r->index);
		jw_string(j, "status", instance_status_name(r->status));
		jw_string(j, "reason", r->reason);
		jw_object_end(j);
	}
	jw_array_end(j);
}

/* Where each instance's linux_start_kernel came from: port or breakpoint. */
static void write_kernel_sources(struct json_writer *j, const struct run_summary *summary,
				 const struct group_summary *g)
{
	static const char *const sources[] = { "port", "breakpoint" };

	jw_object_begin(j, "linux_start_kernel_sources");
	for (size_t s = 0; s < sizeof(sources) / sizeof(sources[0]); s++) {
		long long count = 0;

		for (size_t i = 0; i < summary->nr_results; i++) {
			const struct instance_result *r = &summary->results[i];

			count += r->loader == g->loader && r->instances == g->instances &&
				 r->point_ns[POINT_LINUX_START_KERNEL] >= 0 &&
				 strcmp(r->point_source[POINT_LINUX_START_KERNEL], sources[s]) == 0;
		}
		jw_integer(j, sources[s], count);
	}
	jw_object_end(j);
}

/* How a VMM whose points are stamped on arrival got them (backend.h). */
static void write_arrival(struct json_writer *j, const struct group_summary *g)
{
	const struct vmm_arrival *arrival = g->arrival;

	jw_object_begin(j, "vmm_init_end_sources");
	for (unsigned s = 0; s < VMM_MAX_INIT_END_SOURCES && arrival->init_end_sources[s]; s++)
		jw_integer(j, arrival->init_end_sources[s], g->init_end_sources[s]);
	jw_object_end(j);
	jw_object_begin(j, "arrival_ms");
	for (unsigned a = 0; a < VMM_MAX_ARRIVAL_METRICS && arrival->metrics[a]; a++)
		summary_json_metric(j, arrival->metrics[a], &g->arrival_ms[a]);
	jw_object_end(j);
}

/* A merging loader's wait for ksmd (summary.h); null for the others. */
static void write_ksm(struct json_writer *j, const struct group_summary *g)
{
	if (!g->merges) {
		jw_null(j, "ksm");
		return;
	}
	jw_object_begin(j, "ksm");
	jw_integer(j, "rounds_capped", g->ksm_capped);
	for (int m = 0; m < NR_KSM_METRICS; m++)
		summary_json_metric(j, ksm_metric_name(m), &g->ksm[m]);
	jw_object_end(j);
}

static void write_group(struct json_writer *j, const struct run_summary *summary,
			const struct group_summary *g)
{
	jw_object_begin(j, NULL);
	jw_string(j, "loader", summary->config->loaders[g->loader]);
	jw_string(j, "vmm", loader_backend(summary->config, g->loader)->name);
	jw_integer(j, "instances", g->instances);
	jw_integer(j, "launched", g->launched);
	jw_integer(j, "booted", g->booted);
	jw_integer(j, "failed", g->failed);
	jw_integer(j, "swapped", g->swapped);
	write_statuses(j, "instances_by_status", g->status);
	write_rounds(j, summary, g);
	write_failures(j, summary, g);
	write_kernel_sources(j, summary, g);
	jw_object_begin(j, "memory_kb");
	for (int m = 0; m < NR_MEM_METRICS; m++)
		summary_json_metric(j, mem_metric_name(m), &g->mem_kb[m]);
	jw_object_end(j);
	density_write(j, g);
	jw_object_begin(j, "trace_ms");
	for (int p = 0; p < NR_POINTS; p++)
		summary_json_metric(j, bench_point_name(p), &g->point_ms[p]);
	jw_object_end(j);
	jw_object_begin(j, "delta_ms");
	for (int p = 0; p < NR_POINTS; p++)
		summary_json_metric(j, bench_point_name(p), &g->delta_ms[p]);
	jw_object_end(j);
	jw_object_begin(j, "rusage");
	for (int u = 0; u < NR_USAGE_METRICS; u++)
		summary_json_metric(j, usage_metric_name(u), &g->usage[u]);
	jw_object_end(j);
	jw_object_begin(j, "harness");
	for (int h = 0; h < NR_HARNESS_METRICS; h++)
		summary_json_metric(j, harness_metric_name(h), &g->harness[h]);
	jw_object_end(j);
	if (g->arrival)
		write_arrival(j, g);
	write_ksm(j, g);
	jw_object_end(j);
}

int summary_json_write(FILE *f, const struct run_summary *summary, const struct run_context *ctx,
		       double harness_cpu_ms)
{
	struct json_writer j;

	jw_init(&j, f);
	jw_object_begin(&j, NULL);
	jw_string(&j, "schema", SUMMARY_SCHEMA);
	summary_json_context(&j, ctx, summary);
	write_config(&j, summary->config);
	jw_number(&j, "harness_cpu_ms", harness_cpu_ms);
	jw_array_begin(&j, "results");
	for (unsigned i = 0; i < summary->nr_groups; i++)
		write_group(&j, summary, &summary->groups[i]);
	jw_array_end(&j);
	/* summary/6: figures across groups, for the scripts to print. */
	comparisons_json(&j, summary->comparisons, summary->config);
	sharing_summary_json(&j, summary->sharing, summary->config);
	jw_object_end(&j);
	return jw_finish(&j);
}
