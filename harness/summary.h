/* SPDX-License-Identifier: MIT */
/*
 * The statistics of a run, computed once from the raw rows and read by
 * every output (tables, JSON). Per (loader, N): each round contributes at
 * most one sample per metric; statistics are across rounds. A failed
 * instance never just vanishes from a sample:
 * - memory: the mean over the round's instances, only from a round where
 *   every instance was sampled (one that failed would leave its PSS with
 *   fewer sharers); other rounds are excluded and counted;
 * - boot times (trace points and their deltas): the median over all the
 *   round's instances, one that timed out counted at the timeout, which
 *   makes the sample a lower bound ("censored") unless the median does not
 *   depend on it; a round where an instance exited early or was not
 *   launched is excluded and counted (fewer than N guests booted together);
 * - rusage and a VMM's arrival figures (backend.h): the mean over the
 *   instances that have them.
 */
#ifndef LOADBENCH_SUMMARY_H
#define LOADBENCH_SUMMARY_H

#include "backend.h"
#include "bench_config.h"
#include "results.h"
#include "round.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>

enum mem_metric {
	MEM_USS,
	MEM_PSS,
	MEM_RSS,
	MEM_PSS_ANON,
	MEM_PSS_FILE,
	MEM_SHARED_CLEAN,
	MEM_PRIVATE_DIRTY,
	NR_MEM_METRICS
};

enum usage_metric { USAGE_MINOR_FAULTS, USAGE_USER_MS, USAGE_SYSTEM_MS, NR_USAGE_METRICS };

enum harness_metric { HARNESS_LAUNCH_MS, HARNESS_BOOT_MS, HARNESS_SAMPLE_MS, NR_HARNESS_METRICS };

/* A merging loader's rounds (backend.h): the wait for ksmd before the
 * sample and what it left (ksm_settle.h); like memory, only from rounds
 * where every instance was sampled. A wait that hit --ksm-settle-max gives
 * a censored settle time (a lower bound). */
enum ksm_metric {
	KSM_SETTLE_MS,
	KSM_KSMD_CPU_MS,
	KSM_PAGES_SHARING,
	KSM_PAGES_SHARED,
	NR_KSM_METRICS
};

struct metric_summary {
	struct sample_stats stats;
	double *samples;	     /* one per round that measured it, in round order */
	unsigned int *sample_rounds; /* the round of each sample */
	bool *sample_censored;	     /* that sample is only a lower bound */
	unsigned int nr_samples;
	unsigned int nr_censored;
	unsigned int excluded; /* rounds without a sample because an instance failed */
	bool lower_bound;      /* stats.median is only a lower bound */
};

/* One round of a group: its instances by how they ended. */
struct round_count {
	unsigned int launched;
	unsigned int status[NR_INSTANCE_STATUSES];
};

struct group_summary {
	unsigned int loader;
	unsigned int instances;
	unsigned int launched; /* instances x rounds */
	unsigned int booted;
	unsigned int failed;
	unsigned int swapped; /* booted with pages swapped out (instance_swapped) */
	unsigned int status[NR_INSTANCE_STATUSES]; /* instances by how they ended */
	struct round_count *rounds;		   /* config->rounds of them */
	struct metric_summary mem_kb[NR_MEM_METRICS];
	struct metric_summary point_ms[NR_POINTS];
	/* From the previous point this instance reported (load_done: from 0). */
	struct metric_summary delta_ms[NR_POINTS];
	struct metric_summary usage[NR_USAGE_METRICS];
	struct metric_summary harness[NR_HARNESS_METRICS];
	/* How the VMM's trace points reached loadbench, for a backend with
	 * such figures (backend.h: vmm_arrival, e.g. QEMU's); NULL: none. */
	const struct vmm_arrival *arrival;
	struct metric_summary arrival_ms[VMM_MAX_ARRIVAL_METRICS]; /* arrival->metrics */
	/* Instances by vmm_init_end's source, as arrival->init_end_sources. */
	unsigned int init_end_sources[VMM_MAX_INIT_END_SOURCES];
	bool merges;		 /* the loader merges: ksm and ksm_capped hold */
	unsigned int ksm_capped; /* rounds whose wait hit --ksm-settle-max */
	struct metric_summary ksm[NR_KSM_METRICS];
};

/* The images' pages in the page cache at each round's launch (--cache). */
struct cache_summary {
	unsigned int rounds;		/* rounds whose pages were counted */
	unsigned int rounds_with_pages; /* of those, rounds with any page resident */
	long long min_pages, max_pages; /* -1 when no round was counted */
};

struct comparisons;
struct sharing_summary;

struct run_summary {
	const struct bench_config *config;
	unsigned int nr_groups;
	struct group_summary *groups;
	const struct instance_result *results;
	size_t nr_results;
	const struct round_timing *timings; /* as given to summary_compute */
	struct cache_summary cache;
	/* Figures across groups (comparisons.h, sharing_summary.h), when the
	 * caller computed them; summary.json writes null for those it did not. */
	const struct comparisons *comparisons;
	const struct sharing_summary *sharing;
};

const char *mem_metric_name(enum mem_metric metric);
const char *usage_metric_name(enum usage_metric metric);
const char *harness_metric_name(enum harness_metric metric);
const char *ksm_metric_name(enum ksm_metric metric);

/* results: every row of the run; timings: one per (group, round), indexed
 * group * rounds + round with groups in (instance count, loader) order. */
int summary_compute(struct run_summary *summary, const struct bench_config *config,
		    const struct instance_result *results, size_t nr_results,
		    const struct round_timing *timings);
void summary_free(struct run_summary *summary);

/* The group of (loader, N), or NULL. */
const struct group_summary *summary_group(const struct run_summary *summary, unsigned int loader,
					  unsigned int instances);
/* Index of a group in summary and in the timings array. */
unsigned int summary_group_index(const struct bench_config *config, unsigned int count_index,
				 unsigned int loader);

#endif
