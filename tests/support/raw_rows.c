// SPDX-License-Identifier: MIT
#include "raw_rows.h"

#include "guest_layout.h"
#include "kernel_image.h"
#include "spawn.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Splits one line at commas outside double quotes; strips the quotes and
 * turns "" inside them into one quote, as raw_csv.c writes a reason. */
static unsigned split(char *line, const char **cells, unsigned max)
{
	unsigned n = 0;
	char *p = line;

	while (n < max) {
		int quoted = *p == '"';
		char *end;

		if (quoted) {
			char *out = ++p;

			end = p;
			while (*end && !(*end == '"' && end[1] != '"')) {
				if (*end == '"')
					end++;
				*out++ = *end++;
			}
			if (!*end)
				return n;
			*out = '\0';
			end++;
		} else {
			end = p + strcspn(p, ",");
		}
		cells[n++] = p;
		if (*end != ',') {
			*end = '\0';
			return n;
		}
		*end = '\0';
		p = end + 1;
	}
	return n;
}

int raw_rows_read(struct raw_rows *raw, const char *path)
{
	char *line, *save = NULL;

	memset(raw, 0, sizeof(*raw));
	raw->text = slurp(path);
	if (!raw->text)
		return -1;
	line = strtok_r(raw->text, "\n", &save);
	if (!line)
		return -1;
	raw->nr_cols = split(line, raw->header, RAW_MAX_COLS);
	while ((line = strtok_r(NULL, "\n", &save)) && raw->nr_rows < RAW_MAX_ROWS)
		if (split(line, raw->cell[raw->nr_rows], RAW_MAX_COLS) == raw->nr_cols)
			raw->nr_rows++;
	return 0;
}

void raw_rows_free(struct raw_rows *raw)
{
	free(raw->text);
	raw->text = NULL;
}

const char *raw_cell(const struct raw_rows *raw, unsigned int row, const char *column)
{
	for (unsigned c = 0; c < raw->nr_cols; c++)
		if (strcmp(raw->header[c], column) == 0)
			return raw->cell[row][c];
	return NULL;
}

int64_t raw_num(const struct raw_rows *raw, unsigned int row, const char *column)
{
	const char *cell = raw_cell(raw, row, column);

	return cell && *cell ? strtoll(cell, NULL, 10) : -1;
}

uint64_t kernel_load_bytes(const char *path)
{
	const struct image_limits limits = { GUEST_RAM_MAX, BOOT_DATA_END };
	struct kernel_image image;
	uint64_t total = 0;

	if (kernel_image_open(&image, path, &limits))
		return 0;
	for (unsigned s = 0; s < image.nr_segments; s++)
		total += image.segments[s].file_size;
	kernel_image_close(&image);
	return total;
}

uint64_t file_bytes(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}
