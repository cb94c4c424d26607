// SPDX-License-Identifier: MIT
#include "raw_csv_read.h"

#include "backend.h"
#include "log.h"
#include "raw_csv.h"

#include <stdlib.h>
#include <string.h>

/* raw.csv's header split into its column names: cells are found by name,
 * never by position, so a column added anywhere cannot shift the others. */
struct columns {
	char *text;
	char *names[RAW_CSV_MAX_COLS];
	int nr;
};

/* One row being read: its cells, and whether any was missing or bad. */
struct cells {
	char **cell;
	const struct columns *cols;
	int err;
};

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

/* The cell under a column name; "" (and an error) if there is no such column. */
static const char *get(struct cells *c, const char *name)
{
	for (int i = 0; i < c->cols->nr; i++)
		if (strcmp(c->cols->names[i], name) == 0)
			return c->cell[i];
	c->err = 1;
	return "";
}

static long long get_number(struct cells *c, const char *name)
{
	long long v;

	c->err |= number(get(c, name), &v);
	return v;
}

static void get_text(struct cells *c, const char *name, char *out, size_t size)
{
	c->err |= text(get(c, name), out, size);
}

static double get_ms(struct cells *c, const char *name)
{
	const char *cell = get(c, name);
	char *end;
	double v = strtod(cell, &end);

	c->err |= *cell == '\0' || *end != '\0';
	return v;
}

static void lead(struct cells *c, const struct bench_config *config, struct instance_result *row)
{
	const char *loader = get(c, "loader"), *status = get(c, "status");
	long long v[3] = { get_number(c, "instances"), get_number(c, "round"),
			   get_number(c, "instance") };

	row->loader = config->nr_loaders;
	for (unsigned l = 0; l < config->nr_loaders; l++)
		if (strcmp(loader, config->loaders[l]) == 0)
			row->loader = l;
	for (int i = 0; i < 3; i++)
		c->err |= v[i] < 0;
	row->instances = (unsigned)v[0];
	row->round = (unsigned)v[1];
	row->index = (unsigned)v[2];
	row->pid = (pid_t)get_number(c, "pid");
	row->status = INSTANCE_LAUNCH_FAILED + 1;
	for (int s = INSTANCE_OK; s <= INSTANCE_LAUNCH_FAILED; s++)
		if (strcmp(status, instance_status_name(s)) == 0)
			row->status = s;
	get_text(c, "reason", row->reason, sizeof(row->reason));
	c->err |= row->loader == config->nr_loaders || row->status > INSTANCE_LAUNCH_FAILED;
}

static void measured(struct cells *c, struct instance_result *row)
{
	char name[64];

	for (int i = 0; i < SMAPS_NR_FIELDS; i++) {
		snprintf(name, sizeof(name), "%s_kb", smaps_field_name(i));
		row->smaps.kb[i] = get_number(c, name);
	}
	row->uss_kb = get_number(c, "uss_kb");
	for (int p = 0; p < NR_POINTS; p++) {
		snprintf(name, sizeof(name), "%s_ns", bench_point_name(p));
		row->point_ns[p] = get_number(c, name);
	}
}

/* The round's wait for ksmd; settled is 1, 0 or empty. */
static void read_ksm(struct cells *c, struct ksm_round *ksm)
{
	long long settled = get_number(c, "ksm_settled");

	ksm->settle_ms = get_number(c, "ksm_settle_ms");
	ksm->settled = settled > 1 ? -1 : (int)settled;
	ksm->ksmd_cpu_ms = get_number(c, "ksmd_cpu_ms");
	ksm->pages_sharing = get_number(c, "ksm_pages_sharing");
	ksm->pages_shared = get_number(c, "ksm_pages_shared");
	c->err |= settled > 1;
}

/* swapped is derived from the others; the lag gives the arrival back. */
static void rest(struct cells *c, const struct bench_config *config, struct instance_result *row)
{
	long long lag;

	get_text(c, "linux_start_kernel_source", row->point_source[POINT_LINUX_START_KERNEL],
		 sizeof(row->point_source[0]));
	row->minor_faults = (long)get_number(c, "minor_faults");
	row->user_ms = get_ms(c, "user_ms");
	row->system_ms = get_ms(c, "system_ms");
	if (row->loader < config->nr_loaders)
		c->err |= strcmp(get(c, "vmm"), loader_backend(config, row->loader)->name) != 0;
	get_text(c, "vmm_init_end_source", row->point_source[POINT_VMM_INIT_END],
		 sizeof(row->point_source[0]));
	for (int v = 0; v < VMM_MAX_VALUES; v++)
		row->vmm_values[v] = -1; /* another VMM's columns are not this row's */
	if (row->loader < config->nr_loaders) {
		const struct vmm_backend *vmm = loader_backend(config, row->loader);

		for (unsigned v = 0; v < vmm->nr_values; v++)
			row->vmm_values[v] = get_number(c, vmm->values[v].column);
	}
	row->user_exit_ns = get_number(c, "linux_start_user_exit_ns");
	lag = get_number(c, "linux_start_user_lag_ns");
	row->user_arrival_ns = row->user_exit_ns >= 0 && *get(c, "linux_start_user_lag_ns")
				       ? row->user_exit_ns + lag
				       : -1;
	get_text(c, "time_zero", row->time_zero, sizeof(row->time_zero));
	for (int p = 0; p < NR_POINTS; p++) {
		char name[64];

		snprintf(name, sizeof(name), "%s_timed_by", bench_point_name(p));
		get_text(c, name, row->point_timing[p], sizeof(row->point_timing[p]));
	}
	row->vmm_setup_done_ns = get_number(c, "vmm_setup_done_ns");
	row->vmm_start_ns = get_number(c, "vmm_start_ns");
	read_ksm(c, &row->ksm);
}

static int parse_row(char *line, const struct columns *cols, const struct bench_config *config,
		     struct instance_result *row)
{
	char *cell[RAW_CSV_MAX_COLS + 1];
	struct cells c = { cell, cols, 0 };

	memset(row, 0, sizeof(*row));
	if (split(line, cell, RAW_CSV_MAX_COLS + 1) != cols->nr)
		return -1;
	lead(&c, config, row);
	measured(&c, row);
	rest(&c, config, row);
	return c.err ? -1 : 0;
}

/* The header as raw_csv.c writes it today, split into names. */
static int our_columns(struct columns *cols)
{
	size_t len = 0;
	FILE *mem = open_memstream(&cols->text, &len);

	cols->nr = 0;
	if (!mem)
		return -1;
	raw_csv_write_header(mem);
	fclose(mem);
	cols->text[strcspn(cols->text, "\n")] = '\0';
	cols->nr = split(cols->text, cols->names, RAW_CSV_MAX_COLS);
	return cols->nr > 0 ? 0 : -1;
}

int raw_csv_parse_row(char *line, const struct bench_config *config, struct instance_result *row)
{
	struct columns cols = { 0 };
	int err = our_columns(&cols) || parse_row(line, &cols, config, row);

	free(cols.text);
	return err ? -1 : 0;
}

/* Only today's header: resumed rows are appended in today's layout. */
static int header_matches(const char *line, const struct columns *cols)
{
	int i = 0;

	for (const char *p = line; i < cols->nr; i++) {
		size_t n = strlen(cols->names[i]);

		if (strncmp(p, cols->names[i], n) != 0 || p[n] != (i + 1 < cols->nr ? ',' : '\n'))
			return 0;
		p += n + 1;
	}
	return 1;
}

long raw_csv_load(const char *path, long end, const struct bench_config *config,
		  struct instance_result *rows, size_t max)
{
	FILE *f = fopen(path, "r");
	struct columns cols = { 0 };
	char *line = NULL;
	size_t cap = 0;
	long nr = -1;

	if (f && our_columns(&cols) == 0 && getline(&line, &cap, f) > 0 &&
	    header_matches(line, &cols)) {
		nr = 0;
		while (ftell(f) < end && getline(&line, &cap, f) > 0) {
			line[strcspn(line, "\n")] = '\0';
			if ((size_t)nr == max || parse_row(line, &cols, config, &rows[nr]) != 0) {
				nr = -1;
				break;
			}
			nr++;
		}
	}
	if (nr < 0)
		pr_err("%s: not the rows of this run (row %ld or the header cannot be read)", path,
		       nr < 0 ? 0L : nr);
	free(cols.text);
	free(line);
	if (f)
		fclose(f);
	return nr;
}
