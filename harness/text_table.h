/* SPDX-License-Identifier: MIT */
/* A grid of short strings, rendered as aligned text or a Markdown table.
 * The tables are built once and rendered both ways, so the two files can
 * never disagree. */
#ifndef LOADBENCH_TEXT_TABLE_H
#define LOADBENCH_TEXT_TABLE_H

#include <stdio.h>

#define TABLE_MAX_ROWS 24
#define TABLE_MAX_COLS 10
#define TABLE_CELL 40

struct text_table {
	char title[128];
	unsigned int nr_rows;
	unsigned int nr_cols;
	unsigned int header_rows; /* the first rows are headings */
	char cells[TABLE_MAX_ROWS][TABLE_MAX_COLS][TABLE_CELL];
};

void table_init(struct text_table *t, const char *title, unsigned int nr_cols);
/* Appends a row and returns its index (rows past the limit are dropped). */
unsigned int table_add_row(struct text_table *t);
void table_set(struct text_table *t, unsigned int row, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void table_render_text(FILE *f, const struct text_table *t);
void table_render_markdown(FILE *f, const struct text_table *t);

#endif
