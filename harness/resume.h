/* SPDX-License-Identifier: MIT */
/*
 * The run's plan and its journal, rounds.log: `loadbench --resume DIR`
 * continues an interrupted run from its first unfinished round, and never
 * drops or repeats one.
 *
 * The plan numbers every (instance count, round, loader) of a run in the
 * order they run (step 0, 1, ...). After a round's rows are appended and
 * synced to raw.csv.partial and sharing.csv.partial, one line is appended
 * and synced to DIR/rounds.log:
 *
 *   start csv_bytes=B sharing_bytes=B
 *   round step=S loader=L instances=N round=R rows=N csv_bytes=B
 *         sharing_bytes=B launch_ms=T boot_ms=T sample_ms=T resident_pages=P
 *   resume at=<UTC date> steps_done=S
 *
 * csv_bytes/sharing_bytes are the files' sizes once that round is in;
 * resident_pages, the images' pages in the page cache at its launch. A
 * round whose journal line is missing or torn was in progress when the run
 * stopped: on resume its rows are cut off both files and it runs again.
 */
#ifndef LOADBENCH_RESUME_H
#define LOADBENCH_RESUME_H

#include "bench_config.h"
#include "results.h"
#include "round.h"
#include "run_order.h"

#include <stddef.h>

#include <stdio.h>

/* 0 when rows[0..nr) are exactly the rows of steps 0..steps), in order:
 * every instance of every finished round once, nothing else. */
int plan_check_rows(const struct bench_config *config, const struct instance_result *rows,
		    size_t nr, unsigned int steps);

struct journal {
	FILE *f;
	char path[4200];
	unsigned int steps_done;
	long csv_bytes, sharing_bytes; /* where the last finished round ended */
	unsigned int resumes;	       /* resumes of this run, this one included */
};

/* A fresh run: DIR/rounds.log, with the files' sizes after their headers. */
int journal_start(struct journal *j, const char *dir, long csv_bytes, long sharing_bytes);

/* Appends and syncs the line of a finished round. */
int journal_commit(struct journal *j, const struct bench_config *config, unsigned int rows,
		   long csv_bytes, long sharing_bytes, const struct round_timing *timing);

/* Reads DIR/rounds.log of an interrupted run: every finished round must
 * follow the plan. Fills timings (indexed as summary_compute wants them),
 * drops a torn last line, and reopens the journal for appending.
 * Returns 1 when rounds.log has no start line (nothing was kept: start
 * afresh), 0 to continue, -1 after a one-line error. */
int journal_resume(struct journal *j, const char *dir, const struct bench_config *config,
		   struct round_timing *timings);

void journal_close(struct journal *j);

#endif
