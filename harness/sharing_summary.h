/* SPDX-License-Identifier: MIT */
/*
 * sharing.csv (sharing_log.h) summarised once, for bench/sharing.py to
 * print: per mapping loader and N, per region of the images (a kernel
 * section, the initrd), the median over instances and rounds of every
 * count (pages; other_bytes in bytes), their sums over the regions, and
 * the saving per instance they predict against the loader's "before"
 * (comparisons.h) next to the one measured:
 * - USS: shared + untouched pages (at N = 1 only the untouched: a
 *   page-cache page mapped by one process counts as its own);
 * - PSS: shared x (N-1)/N + untouched (a shared page costs each of N
 *   sharers 1/N).
 * Columns are found by name, so a file from before the page kinds reads.
 */
#ifndef LOADBENCH_SHARING_SUMMARY_H
#define LOADBENCH_SHARING_SUMMARY_H

#include "bench_config.h"
#include "comparisons.h"
#include "json_writer.h"
#include "page_kind.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHARING_PAGE_BYTES 4096 /* sharemap counts 4 KiB pages */

/* The counted columns, in sharing.csv's order. */
enum sharing_count {
	SC_PAGES,
	SC_SHARED,
	SC_COPIED,
	SC_UNTOUCHED,
	SC_KIND, /* + enum page_kind */
	SC_OTHER_BYTES = SC_KIND + PAGE_KINDS,
	NR_SHARING_COUNTS
};

struct sharing_region {
	char file[8]; /* "kernel" or "initrd" */
	char name[64];
	uint64_t bytes;
	double median[NR_SHARING_COUNTS];
};

struct sharing_group {
	unsigned int loader, instances;
	unsigned int samples;		/* rows of a region: instances x rounds scanned */
	struct sharing_region *regions; /* in sharing.csv's order */
	size_t nr_regions;
	double total[NR_SHARING_COUNTS]; /* sums of the medians over the regions */
	double predicted_uss_bytes, predicted_pss_bytes;
	int base;      /* the loader's "before", or -1 */
	bool measured; /* base and loader both measured USS and PSS at N */
	double measured_uss_kb, measured_pss_kb; /* base minus loader, medians */
};

struct sharing_summary {
	bool has[NR_SHARING_COUNTS];  /* the file has this column */
	struct sharing_group *groups; /* per (loader, N) with rows, in run order */
	size_t nr_groups;
};

/* Reads csv (sharing.csv or its .partial). 0, or -1 after one line naming
 * the file and what is wrong with it. */
int sharing_summary_read(struct sharing_summary *out, const char *csv,
			 const struct bench_config *config, const struct comparisons *cmp);
void sharing_summary_free(struct sharing_summary *s);

/* "sharing": {...}; null for s NULL (nothing was read). */
void sharing_summary_json(struct json_writer *j, const struct sharing_summary *s,
			  const struct bench_config *config);

#endif
