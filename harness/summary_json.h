/* SPDX-License-Identifier: MIT */
/* summary.json: schema version, run context, configuration, and per
 * (loader, N) statistics with the per-round samples they came from. */
#ifndef LOADBENCH_SUMMARY_JSON_H
#define LOADBENCH_SUMMARY_JSON_H

#include "context.h"
#include "summary.h"

#include <stdio.h>

#define SUMMARY_SCHEMA "kvm-loadbench/summary/1"

void summary_json_write(FILE *f, const struct run_summary *summary, const struct run_context *ctx,
			double harness_cpu_ms);

#endif
