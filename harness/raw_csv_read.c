// SPDX-License-Identifier: MIT
#include "raw_csv_read.h"

#include "backend.h"
#include "log.h"
#include "raw_csv.h"

#include <stdlib.h>
#include <string.h>

/* Fixed columns before the smaps fields and after the trace points. */
enum { LEAD_COLS = 7, TAIL_COLS = 10 };
#define NR_COLS (LEAD_COLS + SMAPS_NR_FIELDS + 1 + NR_POINTS + TAIL_COLS)

/* Splits a row at its commas; the reason is quoted with "" for a quote. */
static int split(char *line, char **cells, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *out;

		if (n == max)
			return -1;
		cells[n++] = p;
		if (*p == '"') {
			cells[n - 1] = out = ++p;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++; /* "" stands for one quote */
				*out++ = *p++;
			}
			if (*p != '"')
				return -1;
			*out = '\0';
			p++;
		} else {
			p += strcspn(p, ",");
		}
		if (*p == '\0')
			return n;
		if (*p != ',')
			return -1;
		*p++ = '\0';
	}
}

/* An empty cell is "not measured" (-1), as raw_csv.c writes it. */
static int number(const char *cell, long long *out)
{
	char *end;

	if (*cell == '\0') {
		*out = -1;
		return 0;
	}
	*out = strtoll(cell, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static int text(const char *cell, char *out, size_t size)
{
	if (strlen(cell) >= size)
		return -1;
	memcpy(out, cell, strlen(cell) + 1);
	return 0;
}

static int lead(char **c, const struct bench_config *config, struct instance_result *row)
{
	long long v[4];
	int err = 0;

	row->loader = config->nr_loaders;
	for (unsigned l = 0; l < config->nr_loaders; l++)
		if (strcmp(c[0], config->loaders[l]) == 0)
			row->loader = l;
	for (int i = 0; i < 4; i++)
		err |= number(c[1 + i], &v[i]) || (i < 3 && v[i] < 0);
	row->instances = (unsigned)v[0];
	row->round = (unsigned)v[1];
	row->index = (unsigned)v[2];
	row->pid = (pid_t)v[3];
	row->status = INSTANCE_LAUNCH_FAILED + 1;
	for (int s = INSTANCE_OK; s <= INSTANCE_LAUNCH_FAILED; s++)
		if (strcmp(c[5], instance_status_name(s)) == 0)
			row->status = s;
	err |= text(c[6], row->reason, sizeof(row->reason));
	return err || row->loader == config->nr_loaders || row->status > INSTANCE_LAUNCH_FAILED ? -1
												: 0;
}

static int measured(char **c, struct instance_result *row)
{
	long long v;
	int err = 0;

	for (int i = 0; i < SMAPS_NR_FIELDS; i++) {
		err |= number(*c++, &v);
		row->smaps.kb[i] = v;
	}
	err |= number(*c++, &v);
	row->uss_kb = v;
	for (int p = 0; p < NR_POINTS; p++) {
		err |= number(*c++, &v);
		row->point_ns[p] = v;
	}
	return err ? -1 : 0;
}

static int tail(char **c, const struct bench_config *config, struct instance_result *row)
{
	long long v;
	char *end_user, *end_system;
	int err = text(c[0], row->point_source[POINT_LINUX_START_KERNEL],
		       sizeof(row->point_source[0]));

	err |= number(c[1], &v);
	row->minor_faults = (long)v;
	row->user_ms = strtod(c[2], &end_user);
	row->system_ms = strtod(c[3], &end_system);
	err |= *end_user != '\0' || *end_system != '\0';
	err |= strcmp(c[4], loader_backend(config, row->loader)->name) != 0;
	err |= text(c[5], row->point_source[POINT_VMM_INIT_END], sizeof(row->point_source[0]));
	err |= number(c[6], &v);
	row->vm_running_ns = v;
	err |= number(c[7], &v);
	row->vm_running_lag_ns = v;
	err |= number(c[8], &v);
	row->user_exit_ns = v;
	/* c[9], linux_start_user_lag_ns, is derived from the others. */
	return err ? -1 : 0;
}

int raw_csv_parse_row(char *line, const struct bench_config *config, struct instance_result *row)
{
	char *c[NR_COLS + 1];

	memset(row, 0, sizeof(*row));
	if (split(line, c, NR_COLS + 1) != NR_COLS)
		return -1;
	if (lead(c, config, row) || measured(c + LEAD_COLS, row))
		return -1;
	return tail(c + NR_COLS - TAIL_COLS, config, row);
}

static int header_matches(const char *line)
{
	char *expected = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&expected, &len);
	int same;

	if (!mem)
		return 0;
	raw_csv_write_header(mem);
	fclose(mem);
	same = strcmp(line, expected) == 0;
	free(expected);
	return same;
}

long raw_csv_load(const char *path, long end, const struct bench_config *config,
		  struct instance_result *rows, size_t max)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long nr = -1;

	if (f && getline(&line, &cap, f) > 0 && header_matches(line)) {
		nr = 0;
		while (ftell(f) < end && getline(&line, &cap, f) > 0) {
			line[strcspn(line, "\n")] = '\0';
			if ((size_t)nr == max || raw_csv_parse_row(line, config, &rows[nr]) != 0) {
				nr = -1;
				break;
			}
			nr++;
		}
	}
	if (nr < 0)
		pr_err("%s: not the rows of this run (row %ld or the header cannot be read)", path,
		       nr < 0 ? 0L : nr);
	free(line);
	if (f)
		fclose(f);
	return nr;
}
