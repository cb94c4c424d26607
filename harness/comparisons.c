// SPDX-License-Identifier: MIT
#include "comparisons.h"

#include "backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int comparisons_before(const struct bench_config *config, unsigned int loader)
{
	const struct vmm_backend *vmm = loader_backend(config, loader);

	for (unsigned l = 0; l < config->nr_loaders; l++)
		if (l != loader && loader_backend(config, l) == vmm &&
		    strcmp(config->loaders[l], vmm->loaders[0]) == 0)
			return (int)l;
	return -1;
}

static bool compared(const struct bench_config *config, unsigned int base, unsigned int candidate)
{
	return base != candidate &&
	       (base == 0 || comparisons_before(config, candidate) == (int)base);
}

static const struct metric_summary *metric_of(const struct group_summary *g,
					      enum comparison_metric metric)
{
	if (metric == CMP_USS)
		return &g->mem_kb[MEM_USS];
	if (metric == CMP_PSS)
		return &g->mem_kb[MEM_PSS];
	return &g->point_ms[metric - CMP_POINT];
}

static double ratio(double x, double y)
{
	return y != 0 ? x / y : NAN;
}

/* What the images predict the candidate saves against the base, per
 * instance (see comparisons.h), and how the measured saving compares. */
static void predict(struct comparison *c, const struct bench_config *config,
		    const struct run_context *ctx)
{
	struct saving_prediction *p = &c->prediction;
	const bool whole = loader_backend(config, c->candidate)->saves_whole_kernel;
	double measured;

	c->has_prediction = true;
	if (!ctx->kernel_elf.known) {
		snprintf(p->why, sizeof(p->why), "%s", ctx->kernel_elf.why);
		return;
	}
	if (ctx->initrd.path && !ctx->initrd.present) {
		snprintf(p->why, sizeof(p->why), "the run recorded no size for the initrd %s",
			 ctx->initrd.path);
		return;
	}
	p->known = true;
	p->basis = whole ? "kernel PT_LOAD + initrd" : "kernel read-only PT_LOAD + initrd";
	p->kernel_bytes = whole ? ctx->kernel_elf.bytes.all : ctx->kernel_elf.bytes.readonly;
	p->initrd_bytes = ctx->initrd.path ? ctx->initrd.bytes : 0;
	p->bytes = p->kernel_bytes + p->initrd_bytes;
	measured = -c->median_difference * 1024; /* kB of USS the candidate saves */
	p->measured_over_predicted = ratio(measured, (double)p->bytes);
	p->relative_difference = ratio(measured - (double)p->bytes, (double)p->bytes);
}

static void compare(struct comparison *c, const struct metric_summary *b,
		    const struct metric_summary *k)
{
	c->base_median = b->stats.median;
	c->candidate_median = k->stats.median;
	c->median_difference = k->stats.median - b->stats.median;
	c->relative_difference = ratio(c->median_difference, b->stats.median);
	c->candidate_over_base = ratio(k->stats.median, b->stats.median);
	c->base_over_candidate = ratio(b->stats.median, k->stats.median);
	c->lower_bound = b->lower_bound || k->lower_bound;
	c->censored = b->nr_censored || k->nr_censored;
	if (!c->censored)
		c->has_interval = stats_welch(b->samples, b->nr_samples, k->samples, k->nr_samples,
					      &c->welch) == 1;
}

static void compare_groups(struct comparisons *out, const struct run_summary *summary,
			   const struct run_context *ctx, unsigned int base, unsigned int candidate,
			   unsigned int instances)
{
	const struct group_summary *b = summary_group(summary, base, instances);
	const struct group_summary *k = summary_group(summary, candidate, instances);
	const bool before_after = comparisons_before(summary->config, candidate) == (int)base;

	for (int m = 0; b && k && m < NR_CMP_METRICS; m++) {
		struct comparison *c = &out->items[out->nr];

		if (!metric_of(b, m)->stats.n || !metric_of(k, m)->stats.n)
			continue;
		memset(c, 0, sizeof(*c));
		c->base = base;
		c->candidate = candidate;
		c->instances = instances;
		c->metric = m;
		compare(c, metric_of(b, m), metric_of(k, m));
		if (before_after && m == CMP_USS)
			predict(c, summary->config, ctx);
		out->nr++;
	}
}

int comparisons_compute(struct comparisons *out, const struct run_summary *summary,
			const struct run_context *ctx)
{
	const struct bench_config *config = summary->config;
	size_t most = (size_t)config->nr_loaders * config->nr_loaders * config->nr_instance_counts *
		      NR_CMP_METRICS;

	out->nr = 0;
	out->items = calloc(most + 1, sizeof(*out->items));
	if (!out->items)
		return -1;
	for (unsigned b = 0; b < config->nr_loaders; b++)
		for (unsigned k = 0; k < config->nr_loaders; k++)
			for (unsigned n = 0;
			     n < config->nr_instance_counts && compared(config, b, k); n++)
				compare_groups(out, summary, ctx, b, k, config->instance_counts[n]);
	return 0;
}

void comparisons_free(struct comparisons *c)
{
	free(c->items);
	c->items = NULL;
	c->nr = 0;
}

const struct comparison *comparisons_find(const struct comparisons *c, unsigned int base,
					  unsigned int candidate, unsigned int instances,
					  enum comparison_metric metric)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->items[i].base == base && c->items[i].candidate == candidate &&
		    c->items[i].instances == instances && c->items[i].metric == metric)
			return &c->items[i];
	return NULL;
}

static void write_prediction(struct json_writer *j, const struct saving_prediction *p)
{
	jw_object_begin(j, "predicted_saving");
	if (!p->known) {
		jw_string(j, "why", p->why);
	} else {
		jw_string(j, "basis", p->basis);
		jw_integer(j, "kernel_bytes", (long long)p->kernel_bytes);
		jw_integer(j, "initrd_bytes", (long long)p->initrd_bytes);
		jw_integer(j, "bytes", (long long)p->bytes);
		jw_number(j, "measured_over_predicted", p->measured_over_predicted);
		jw_number(j, "relative_difference", p->relative_difference);
	}
	jw_object_end(j);
}

static void write_comparison(struct json_writer *j, const struct comparison *c,
			     const struct bench_config *config)
{
	const bool memory = c->metric < CMP_POINT;

	jw_object_begin(j, NULL);
	jw_string(j, "base", config->loaders[c->base]);
	jw_string(j, "candidate", config->loaders[c->candidate]);
	jw_integer(j, "instances", c->instances);
	jw_string(j, "section", memory ? "memory_kb" : "trace_ms");
	jw_string(j, "metric",
		  c->metric == CMP_USS	 ? mem_metric_name(MEM_USS)
		  : c->metric == CMP_PSS ? mem_metric_name(MEM_PSS)
					 : bench_point_name(c->metric - CMP_POINT));
	jw_number(j, "base_median", c->base_median);
	jw_number(j, "candidate_median", c->candidate_median);
	jw_number(j, "median_difference", c->median_difference);
	jw_number(j, "relative_difference", c->relative_difference);
	jw_number(j, "candidate_over_base", c->candidate_over_base);
	jw_number(j, "base_over_candidate", c->base_over_candidate);
	jw_bool(j, "lower_bound", c->lower_bound);
	jw_bool(j, "censored", c->censored);
	/* Censored samples give no mean: null, never a made-up number. */
	jw_number(j, "mean_difference", c->censored ? NAN : c->welch.difference);
	if (c->has_interval) {
		jw_object_begin(j, "welch");
		jw_number(j, "ci95_low", c->welch.low);
		jw_number(j, "ci95_high", c->welch.high);
		jw_number(j, "df", c->welch.df);
		jw_object_end(j);
	} else {
		jw_null(j, "welch");
	}
	if (c->has_prediction)
		write_prediction(j, &c->prediction);
	jw_object_end(j);
}

void comparisons_json(struct json_writer *j, const struct comparisons *c,
		      const struct bench_config *config)
{
	if (!c) {
		jw_null(j, "comparisons");
		return;
	}
	jw_array_begin(j, "comparisons");
	for (size_t i = 0; i < c->nr; i++)
		write_comparison(j, &c->items[i], config);
	jw_array_end(j);
}
