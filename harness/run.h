/* SPDX-License-Identifier: MIT */
/*
 * One loadbench run as main.c drives it, shared with the files that open
 * its outputs (run_open.c) and write its results (run_finish.c).
 */
#ifndef LOADBENCH_RUN_H
#define LOADBENCH_RUN_H

#include "bench_config.h"
#include "context.h"
#include "progress_log.h"
#include "raw_csv.h"
#include "resume.h"
#include "round.h"
#include "sharing_log.h"

#include <stddef.h>

/* main.c's exit status: see its top comment. */
enum { EXIT_OK = 0, EXIT_WRITE = 1, EXIT_USAGE = 2, EXIT_FAILURES = 3 };

/* Everything a run holds, from its options to its open files. */
struct run {
	struct bench_config config;
	struct run_context ctx;
	struct instance_result *results;
	size_t nr_results;
	struct round_timing *timings;
	struct raw_csv csv;
	struct sharing_log sharing;
	struct journal journal;
	struct progress_log progress;
	char out_dir[4096];
};

/* Rows of the whole run: every instance of every (N, loader, round). */
static inline size_t run_total_rows(const struct bench_config *config)
{
	size_t rows = 0;

	for (unsigned c = 0; c < config->nr_instance_counts; c++)
		rows += config->instance_counts[c];
	return rows * config->nr_loaders * config->rounds;
}

/* Picks --out (or the default) and makes it; refuses one that holds
 * another run's results unless --resume. 0, or -1 after one line. */
int run_prepare_out_dir(struct run *run);

/* Starts the output files, or takes them up again with --resume (the
 * finished rounds' rows reloaded). EXIT_OK, or the exit status. */
int run_open_outputs(struct run *run);

/* The summary, tables and final files once every round is in; the exit
 * status. */
int run_finish(struct run *run);

#endif
