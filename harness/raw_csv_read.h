/* SPDX-License-Identifier: MIT */
/*
 * raw.csv read back into rows, for `loadbench --resume`: the rounds a run
 * finished before it was interrupted count in its summary exactly as if it
 * had never stopped. Cells are read by their column's name. Only our own
 * format is accepted: the header must be the one raw_csv.c writes today,
 * as resumed rows are appended in that layout.
 */
#ifndef LOADBENCH_RAW_CSV_READ_H
#define LOADBENCH_RAW_CSV_READ_H

#include "bench_config.h"
#include "results.h"

#include <stddef.h>

/* Parses one row (line without its newline; modified in place). Returns 0,
 * or -1 if it is not a row of this configuration. */
int raw_csv_parse_row(char *line, const struct bench_config *config, struct instance_result *row);

/* Reads the rows of path up to byte end (a round boundary) into rows[0..max).
 * Returns the number of rows, or -1 after a one-line error. */
long raw_csv_load(const char *path, long end, const struct bench_config *config,
		  struct instance_result *rows, size_t max);

#endif
