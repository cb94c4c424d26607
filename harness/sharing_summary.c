// SPDX-License-Identifier: MIT
#include "sharing_summary.h"

#include "log.h"
#include "parse.h"
#include "stats.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64

enum key_column { COL_LOADER, COL_INSTANCES, COL_FILE, COL_REGION, COL_BYTES, NR_KEY_COLUMNS };

static const char *const key_names[NR_KEY_COLUMNS] = { "loader", "instances", "file", "region",
						       "bytes" };

static const char *count_name(int c)
{
	static const char *const names[] = { "pages", "shared", "copied", "untouched" };

	if (c < SC_KIND)
		return names[c];
	return c == SC_OTHER_BYTES ? "other_bytes" : page_kind_name(c - SC_KIND);
}

struct row {
	unsigned int loader, instances;
	size_t region; /* into the regions in the order the file has them */
	double value[NR_SHARING_COUNTS];
};

struct table {
	const char *path;
	int key[NR_KEY_COLUMNS];
	int count[NR_SHARING_COUNTS]; /* -1: not in the file */
	struct row *rows;
	size_t nr_rows, cap_rows;
	struct sharing_region *regions; /* one per (file, region), first seen first */
	size_t nr_regions, cap_regions;
};

static int grow(void **items, size_t *cap, size_t nr, size_t size)
{
	void *more;

	if (nr < *cap)
		return 0;
	more = realloc(*items, (*cap * 2 + 16) * size);
	if (!more)
		return -1;
	*items = more;
	*cap = *cap * 2 + 16;
	return 0;
}

static size_t split(char *line, char **fields)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *f = strsep(&line, ","); f && n < MAX_FIELDS; f = strsep(&line, ","))
		fields[n++] = f;
	return n;
}

static int find_column(char **fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0)
			return (int)i;
	return -1;
}

static int read_header(struct table *t, char *line)
{
	char *fields[MAX_FIELDS];
	size_t n = split(line, fields);
	const char *missing = NULL;

	for (int k = 0; k < NR_KEY_COLUMNS; k++)
		if ((t->key[k] = find_column(fields, n, key_names[k])) < 0 && !missing)
			missing = key_names[k];
	for (int c = 0; c < NR_SHARING_COUNTS; c++) {
		t->count[c] = find_column(fields, n, count_name(c));
		if (c < SC_KIND && t->count[c] < 0 && !missing)
			missing = count_name(c);
	}
	if (missing)
		pr_err("%s: no column %s: not a sharing.csv", t->path, missing);
	return missing ? -1 : 0;
}

static long region_index(struct table *t, const char *file, const char *name, uint64_t bytes)
{
	struct sharing_region *r;

	for (size_t i = 0; i < t->nr_regions; i++)
		if (strcmp(t->regions[i].file, file) == 0 && strcmp(t->regions[i].name, name) == 0)
			return (long)i;
	if (grow((void **)&t->regions, &t->cap_regions, t->nr_regions, sizeof(*t->regions)))
		return -1;
	r = &t->regions[t->nr_regions];
	memset(r, 0, sizeof(*r));
	snprintf(r->file, sizeof(r->file), "%s", file);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->bytes = bytes;
	return (long)t->nr_regions++;
}

static int loader_index(const struct bench_config *config, const char *name)
{
	for (unsigned l = 0; l < config->nr_loaders; l++)
		if (strcmp(config->loaders[l], name) == 0)
			return (int)l;
	return -1;
}

static const char *read_row(struct table *t, char *line, const struct bench_config *config)
{
	char *f[MAX_FIELDS];
	size_t n = split(line, f);
	uint64_t instances, bytes, v;
	struct row *r;
	long region;
	int loader;

	for (int k = 0; k < NR_KEY_COLUMNS; k++)
		if ((size_t)t->key[k] >= n)
			return "too few fields";
	loader = loader_index(config, f[t->key[COL_LOADER]]);
	if (loader < 0)
		return "a loader this run did not measure";
	if (!parse_u64(f[t->key[COL_INSTANCES]], 1, UINT_MAX, &instances) ||
	    !parse_u64(f[t->key[COL_BYTES]], 0, UINT64_MAX, &bytes))
		return "instances or bytes is not a count";
	region = region_index(t, f[t->key[COL_FILE]], f[t->key[COL_REGION]], bytes);
	if (region < 0 || grow((void **)&t->rows, &t->cap_rows, t->nr_rows, sizeof(*t->rows)))
		return "out of memory";
	r = &t->rows[t->nr_rows];
	memset(r, 0, sizeof(*r));
	r->loader = (unsigned)loader;
	r->instances = (unsigned)instances;
	r->region = (size_t)region;
	for (int c = 0; c < NR_SHARING_COUNTS; c++) {
		if (t->count[c] < 0)
			continue;
		if ((size_t)t->count[c] >= n || !parse_u64(f[t->count[c]], 0, UINT64_MAX, &v))
			return "a count is missing or not a number";
		r->value[c] = (double)v;
	}
	t->nr_rows++;
	return NULL;
}

static int read_table(struct table *t, const struct bench_config *config)
{
	FILE *f = fopen(t->path, "r");
	char *line = NULL;
	size_t size = 0;
	unsigned long number = 1;
	int err = 0;

	if (!f) {
		pr_errno("%s", t->path);
		return -1;
	}
	if (getline(&line, &size, f) < 0 || read_header(t, line))
		err = -1;
	while (!err && getline(&line, &size, f) >= 0) {
		const char *why = read_row(t, line, config);

		number++;
		if (why) {
			pr_err("%s: line %lu: %s", t->path, number, why);
			err = -1;
		}
	}
	if (!err && ferror(f)) {
		pr_errno("%s", t->path);
		err = -1;
	}
	free(line);
	fclose(f);
	return err;
}

static int by_group_and_region(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->loader != y->loader)
		return x->loader < y->loader ? -1 : 1;
	if (x->instances != y->instances)
		return x->instances < y->instances ? -1 : 1;
	return (x->region > y->region) - (x->region < y->region);
}

static void predict(struct sharing_group *g, const struct bench_config *config,
		    const struct comparisons *cmp)
{
	const double shared = g->total[SC_SHARED] * SHARING_PAGE_BYTES;
	const double untouched = g->total[SC_UNTOUCHED] * SHARING_PAGE_BYTES;
	const unsigned n = g->instances;
	const struct comparison *uss = NULL, *pss = NULL;

	g->predicted_uss_bytes = (n > 1 ? shared : 0) + untouched;
	g->predicted_pss_bytes = shared * (n - 1) / n + untouched;
	g->base = comparisons_before(config, g->loader);
	if (g->base >= 0) {
		uss = comparisons_find(cmp, (unsigned)g->base, g->loader, n, CMP_USS);
		pss = comparisons_find(cmp, (unsigned)g->base, g->loader, n, CMP_PSS);
	}
	g->measured = uss && pss;
	g->measured_uss_kb = uss ? -uss->median_difference : 0;
	g->measured_pss_kb = pss ? -pss->median_difference : 0;
}

/* One group from its rows (sorted by region): a region per run of rows,
 * the median of each count over them. */
static int fill_group(struct sharing_group *g, const struct table *t, const struct row *rows,
		      size_t n, double *scratch)
{
	g->loader = rows[0].loader;
	g->instances = rows[0].instances;
	g->regions = calloc(t->nr_regions + 1, sizeof(*g->regions));
	if (!g->regions)
		return -1;
	for (size_t i = 0, end; i < n; i = end) {
		struct sharing_region *r = &g->regions[g->nr_regions++];

		for (end = i; end < n && rows[end].region == rows[i].region; end++)
			;
		*r = t->regions[rows[i].region];
		for (int c = 0; c < NR_SHARING_COUNTS; c++) {
			for (size_t k = i; k < end; k++)
				scratch[k - i] = rows[k].value[c];
			r->median[c] = stats_median(scratch, (unsigned)(end - i));
			g->total[c] += r->median[c];
		}
		if (end - i > g->samples)
			g->samples = (unsigned)(end - i);
	}
	return 0;
}

static int summarise(struct sharing_summary *out, struct table *t,
		     const struct bench_config *config, const struct comparisons *cmp)
{
	double *scratch = malloc((t->nr_rows + 1) * sizeof(*scratch));
	int err = !scratch;

	qsort(t->rows, t->nr_rows, sizeof(*t->rows), by_group_and_region);
	out->groups = calloc(t->nr_rows + 1, sizeof(*out->groups));
	err |= !out->groups;
	for (size_t i = 0, end; !err && i < t->nr_rows; i = end) {
		struct sharing_group *g = &out->groups[out->nr_groups++];

		for (end = i; end < t->nr_rows && t->rows[end].loader == t->rows[i].loader &&
			      t->rows[end].instances == t->rows[i].instances;
		     end++)
			;
		err = fill_group(g, t, t->rows + i, end - i, scratch);
		if (!err)
			predict(g, config, cmp);
	}
	free(scratch);
	if (err)
		pr_err("%s: out of memory", t->path);
	return err ? -1 : 0;
}

int sharing_summary_read(struct sharing_summary *out, const char *csv,
			 const struct bench_config *config, const struct comparisons *cmp)
{
	struct table t = { .path = csv };
	int err;

	memset(out, 0, sizeof(*out));
	err = read_table(&t, config) || summarise(out, &t, config, cmp);
	for (int c = 0; c < NR_SHARING_COUNTS; c++)
		out->has[c] = t.count[c] >= 0;
	free(t.rows);
	free(t.regions);
	if (err)
		sharing_summary_free(out);
	return err ? -1 : 0;
}

void sharing_summary_free(struct sharing_summary *s)
{
	for (size_t i = 0; i < s->nr_groups; i++)
		free(s->groups[i].regions);
	free(s->groups);
	s->groups = NULL;
	s->nr_groups = 0;
}
