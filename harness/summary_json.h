/* SPDX-License-Identifier: MIT */
/* summary.json: schema version, run context, configuration, and per
 * (loader, N) statistics with the per-round samples they came from. */
#ifndef LOADBENCH_SUMMARY_JSON_H
#define LOADBENCH_SUMMARY_JSON_H

#include "context.h"
#include "summary.h"

#include <stdio.h>

/* 3: context.kernel/initrd carry "sha256" (SHA-256, as sha256sum prints it)
 * in place of "fnv1a64". 4: failed instances count (summary.h): per group
 * "instances_by_status" and "rounds" (each round's instances by status);
 * per metric "sample_rounds", "censored", "censored_rounds", "excluded",
 * "lower_bound"; boot times per round are medians over all instances.
 * 5: every VMM's times by the seed's definitions where tracefs allows;
 * context.timing says the method and counts each instance's time zero and
 * each point's timing (point_timing.h). 6: the merging loaders (ksm,
 * mmap-ksm): per group "ksm" (null for the others: rounds_capped and the
 * metrics settle_ms, ksmd_cpu_ms, pages_sharing, pages_shared), config
 * "ksm_settle_max_s", context "ksm_pages_to_scan" and "ksm_sleep_millisecs";
 * and what the scripts used to compute is computed here: "comparisons"
 * (comparisons.h: medians, their ratios, Welch's intervals, the saving the
 * images predict), "sharing" (sharing.csv's medians, sharing_summary.h) and
 * context.kernel_elf (kernel_load.h). */
#define SUMMARY_SCHEMA "kvm-loadbench/summary/6"

/* 0, or -1 with errno (json_writer.h's jw_finish): nothing written, or a
 * stream error. */
int summary_json_write(FILE *f, const struct run_summary *summary, const struct run_context *ctx,
		       double harness_cpu_ms);

/* For summary_json*.c: one metric's statistics and samples under key, and
 * the "context" object (summary_json_context.c). */
struct json_writer;
void summary_json_metric(struct json_writer *j, const char *key, const struct metric_summary *m);
void summary_json_context(struct json_writer *j, const struct run_context *ctx,
			  const struct run_summary *summary);

#endif
