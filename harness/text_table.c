// SPDX-License-Identifier: MIT
#include "text_table.h"

#include <stdarg.h>
#include <string.h>

void table_init(struct text_table *t, const char *title, unsigned int nr_cols)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->title, sizeof(t->title), "%s", title);
	t->nr_cols = nr_cols < TABLE_MAX_COLS ? nr_cols : TABLE_MAX_COLS;
}

unsigned int table_add_row(struct text_table *t)
{
	if (t->nr_rows == TABLE_MAX_ROWS)
		return TABLE_MAX_ROWS - 1;
	return t->nr_rows++;
}

void table_set(struct text_table *t, unsigned int row, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	if (row >= TABLE_MAX_ROWS || col >= t->nr_cols)
		return;
	va_start(ap, fmt);
	vsnprintf(t->cells[row][col], TABLE_CELL, fmt, ap);
	va_end(ap);
}

void table_render_text(FILE *f, const struct text_table *t)
{
	size_t width[TABLE_MAX_COLS] = { 0 };

	for (unsigned r = 0; r < t->nr_rows; r++)
		for (unsigned c = 0; c < t->nr_cols; c++)
			if (strlen(t->cells[r][c]) > width[c])
				width[c] = strlen(t->cells[r][c]);
	fprintf(f, "%s\n", t->title);
	for (unsigned r = 0; r < t->nr_rows; r++) {
		for (unsigned c = 0; c < t->nr_cols; c++)
			fprintf(f, c + 1 < t->nr_cols ? "%-*s  " : "%-*s", (int)width[c],
				t->cells[r][c]);
		fputc('\n', f);
	}
	fputc('\n', f);
}

void table_render_markdown(FILE *f, const struct text_table *t)
{
	fprintf(f, "**%s**\n\n", t->title);
	for (unsigned r = 0; r < t->nr_rows; r++) {
		fputc('|', f);
		for (unsigned c = 0; c < t->nr_cols; c++)
			fprintf(f, " %s |", t->cells[r][c]);
		fputc('\n', f);
		if (r + 1 == (t->header_rows ? t->header_rows : 1)) {
			fputc('|', f);
			for (unsigned c = 0; c < t->nr_cols; c++)
				fputs(c == 0 ? " --- |" : " ---: |", f);
			fputc('\n', f);
		}
	}
	fputc('\n', f);
}
