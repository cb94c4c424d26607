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
	/* See common/log.c: the analyzer loses track of the va_list. */
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
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
		char line[TABLE_MAX_COLS * (TABLE_CELL + 2) + 1];
		size_t len = 0;

		for (unsigned c = 0; c < t->nr_cols; c++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%-*s  ",
						(int)width[c], t->cells[r][c]);
		while (len > 0 && line[len - 1] == ' ')
			len--;
		fprintf(f, "%.*s\n", (int)len, line);
	}
	fputc('\n', f);
}

/* Markdown has one header row: stacked headings ("copy" over "USS PSS")
 * become one ("copy USS", "copy PSS"), a group name carrying rightwards. */
static void markdown_header(FILE *f, const struct text_table *t)
{
	const char *group = "";

	fputc('|', f);
	for (unsigned c = 0; c < t->nr_cols; c++) {
		if (t->header_rows > 1 && t->cells[0][c][0])
			group = t->cells[0][c];
		if (t->header_rows > 1 && c > 0)
			fprintf(f, " %s %s |", group, t->cells[1][c]);
		else
			fprintf(f, " %s |", t->cells[t->header_rows > 1 ? 1 : 0][c]);
	}
	fputs("\n|", f);
	for (unsigned c = 0; c < t->nr_cols; c++)
		fputs(c == 0 ? " --- |" : " ---: |", f);
	fputc('\n', f);
}

void table_render_markdown(FILE *f, const struct text_table *t)
{
	unsigned first_body = t->header_rows > 1 ? t->header_rows : 1;

	fprintf(f, "**%s**\n\n", t->title);
	markdown_header(f, t);
	for (unsigned r = first_body; r < t->nr_rows; r++) {
		fputc('|', f);
		for (unsigned c = 0; c < t->nr_cols; c++)
			fprintf(f, " %s |", t->cells[r][c]);
		fputc('\n', f);
	}
	fputc('\n', f);
}
