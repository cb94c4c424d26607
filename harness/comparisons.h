/* SPDX-License-Identifier: MIT */
/*
 * Loaders compared with each other, computed once from a run's statistics
 * (summary.h) for every output that shows them: summary.json's
 * "comparisons", which report.md, the plots and sharing.md only print.
 *
 * Pairs (base, candidate): the run's first loader against every other (the
 * plots' ratios), and each VMM's "before" loader (its first: copy,
 * qemu-private) against its others (the report's before -> after). For
 * each pair, N and metric that both measured (USS, PSS, every trace point):
 * both medians, their difference and ratios, Welch's difference of means
 * with its 95% interval (not where a sample is only a lower bound), and for
 * a before -> after USS the saving the images predict:
 * - loadvm's mapping loaders: the kernel's read-only PT_LOAD bytes and the
 *   initrd (the seed's expectation: the guest writes its data segments);
 * - QEMU's: every PT_LOAD byte and the initrd (it maps the file for its own
 *   ROM copy, which no guest writes).
 */
#ifndef LOADBENCH_COMPARISONS_H
#define LOADBENCH_COMPARISONS_H

#include "context.h"
#include "json_writer.h"
#include "summary.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What is compared: USS, PSS, or a trace point (CMP_POINT + enum bench_point). */
enum comparison_metric { CMP_USS, CMP_PSS, CMP_POINT, NR_CMP_METRICS = CMP_POINT + NR_POINTS };

struct saving_prediction {
	bool known;
	const char *basis; /* which bytes: "kernel read-only PT_LOAD + initrd", ... */
	uint64_t kernel_bytes;
	uint64_t initrd_bytes;
	uint64_t bytes; /* their sum: the predicted USS saving per instance */
	double measured_over_predicted;
	double relative_difference; /* (measured - predicted) / predicted */
	char why[600];		    /* !known: why there is no prediction */
};

struct comparison {
	unsigned int base, candidate; /* loader indices */
	unsigned int instances;
	enum comparison_metric metric;
	double base_median, candidate_median;
	double median_difference;   /* candidate - base */
	double relative_difference; /* (candidate - base) / base; NaN when base is 0 */
	double candidate_over_base; /* NaN when base is 0 */
	double base_over_candidate; /* NaN when candidate is 0 */
	bool lower_bound;	    /* a median is only a lower bound: so are its ratios */
	bool censored;		    /* a sample is only a lower bound: no difference of means */
	/* Unless censored: welch.difference (candidate - base means); its
	 * interval only when has_interval (2 samples each at least). */
	struct welch_interval welch;
	bool has_interval;
	bool has_prediction; /* a before -> after USS */
	struct saving_prediction prediction;
};

struct comparisons {
	struct comparison *items;
	size_t nr;
};

/* ctx: the images (kernel_elf, initrd) for the predictions. 0, or -1 out
 * of memory. */
int comparisons_compute(struct comparisons *out, const struct run_summary *summary,
			const struct run_context *ctx);
void comparisons_free(struct comparisons *c);

/* The comparison of (base, candidate, N, metric), or NULL. */
const struct comparison *comparisons_find(const struct comparisons *c, unsigned int base,
					  unsigned int candidate, unsigned int instances,
					  enum comparison_metric metric);

/* The "before" loader of loader's VMM in this run (copy for mmap), or -1
 * when the run has none or loader is it. */
int comparisons_before(const struct bench_config *config, unsigned int loader);

/* "comparisons": [...]; null for c NULL (not computed). */
void comparisons_json(struct json_writer *j, const struct comparisons *c,
		      const struct bench_config *config);

#endif
