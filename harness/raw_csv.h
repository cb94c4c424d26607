/* SPDX-License-Identifier: MIT */
/*
 * raw.csv: one row per instance per round, every smaps_rollup field in kB
 * (and whether pages were swapped out), every trace point in ns, rusage
 * and status. Readers find columns by header name; a new column goes at
 * the end, so older ones keep their place. Rows are appended and synced after
 * each round to raw.csv.partial, which becomes raw.csv when the run ends:
 * an interrupted run keeps its finished rounds, clearly marked partial.
 */
#ifndef LOADBENCH_RAW_CSV_H
#define LOADBENCH_RAW_CSV_H

#include "bench_config.h"
#include "results.h"

#include <stddef.h>
#include <stdio.h>

/* More columns than raw.csv has: a row with more is not ours. */
#define RAW_CSV_MAX_COLS 64

struct raw_csv {
	FILE *f;
	char partial[4200];
	char final[4200];
};

int raw_csv_open(struct raw_csv *csv, const char *dir);
/* For a resumed run: cuts raw.csv.partial to keep bytes (the end of its
 * last finished round) and appends from there. */
int raw_csv_reopen(struct raw_csv *csv, const char *dir, long keep);
/* The file's size with every row appended so far. */
long raw_csv_bytes(const struct raw_csv *csv);
/* Cuts a partial file back to keep bytes; -1 if it is shorter. */
int raw_file_cut(const char *path, long keep);
/* Appends and syncs rows. */
int raw_csv_append(struct raw_csv *csv, const struct bench_config *config,
		   const struct instance_result *rows, size_t n);
int raw_csv_finish(struct raw_csv *csv);

/* The header line, with its newline. */
void raw_csv_write_header(FILE *f);

/* One row, as text, for tests. */
void raw_csv_write_row(FILE *f, const struct bench_config *config,
		       const struct instance_result *row);

#endif
