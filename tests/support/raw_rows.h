/* SPDX-License-Identifier: MIT */
/* loadbench's raw.csv read back by column name, and the figures a sharing
 * check compares it with (the kernel's PT_LOAD bytes, the initrd's size). */
#ifndef TESTS_RAW_ROWS_H
#define TESTS_RAW_ROWS_H

#include "raw_csv.h"

#include <stdint.h>

#define RAW_MAX_ROWS 64
#define RAW_MAX_COLS RAW_CSV_MAX_COLS

struct raw_rows {
	char *text; /* the file, split in place */
	unsigned int nr_cols, nr_rows;
	const char *header[RAW_MAX_COLS];
	const char *cell[RAW_MAX_ROWS][RAW_MAX_COLS];
};

/* Reads path; -1 if it cannot be read or parsed. */
int raw_rows_read(struct raw_rows *raw, const char *path);
void raw_rows_free(struct raw_rows *raw);
/* The cell of row in the named column ("" if empty), or NULL if no such column. */
const char *raw_cell(const struct raw_rows *raw, unsigned int row, const char *column);
/* The cell as a number; -1 if empty or absent. */
int64_t raw_num(const struct raw_rows *raw, unsigned int row, const char *column);

/* Bytes a VMM reads out of the kernel: the sum of its PT_LOAD file sizes. */
uint64_t kernel_load_bytes(const char *path);
uint64_t file_bytes(const char *path);

#endif
