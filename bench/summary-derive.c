// SPDX-License-Identifier: MIT
/*
 * summary-derive RESULTS_DIR: gives a summary.json the figures loadbench
 * computes across groups since summary/6 (comparisons.h, sharing_summary.h,
 * kernel_load.h), from its own per-round samples, RESULTS_DIR/sharing.csv
 * and the kernel file, with loadbench's code; everything else, the schema
 * too, stays as it was. For a run from before summary/6, whose report.md
 * would otherwise say it is too old for them; again on a newer one, the
 * same figures from the same inputs.
 *
 * The kernel is read where the run recorded it (a relative path from the
 * current directory: run this where loadbench ran), and only with the
 * recorded size and SHA-256; otherwise context.kernel_elf says why not.
 * Exits 0, or 1 after one line naming the input it could not use.
 */
#include "backend.h"
#include "bzimage.h"
#include "comparisons.h"
#include "log.h"
#include "sharing_summary.h"
#include "summary.h"

#include "atomic_file.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct derive {
	char path[4200]; /* RESULTS_DIR/summary.json */
	json_t *doc;
	struct bench_config config;
	struct run_summary summary;
	struct run_context ctx;
};

static const char *text(json_t *object, const char *key)
{
	return json_string_value(json_object_get(object, key));
}

static int find_loader(const struct bench_config *config, const char *name)
{
	for (unsigned l = 0; name && l < config->nr_loaders; l++)
		if (strcmp(config->loaders[l], name) == 0)
			return (int)l;
	return -1;
}

static int find_count(const struct bench_config *config, json_int_t n)
{
	for (unsigned c = 0; c < config->nr_instance_counts; c++)
		if (config->instance_counts[c] == n)
			return (int)c;
	return -1;
}

/* The run's loaders and instance counts. */
static const char *read_config(struct derive *d)
{
	json_t *config = json_object_get(d->doc, "config");
	json_t *loaders = json_object_get(config, "loaders");
	json_t *counts = json_object_get(config, "instances");
	size_t i;
	json_t *v;

	if (!json_is_array(loaders) || !json_is_array(counts) ||
	    json_array_size(loaders) > MAX_LOADERS || json_array_size(counts) > MAX_INSTANCE_COUNTS)
		return "config.loaders or config.instances is missing or too long";
	json_array_foreach(loaders, i, v)
	{
		const char *name;

		if (!json_is_string(v))
			return "config.loaders holds a non-string";
		d->config.loaders[i] = json_string_value(v);
		d->config.loader_vmm[i] = backend_of_loader(d->config.loaders[i], &name);
	}
	json_array_foreach(counts, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return "config.instances holds a non-count";
		d->config.instance_counts[i] = (unsigned)json_integer_value(v);
	}
	d->config.nr_loaders = (unsigned)json_array_size(loaders);
	d->config.nr_instance_counts = (unsigned)json_array_size(counts);
	return NULL;
}

/* What comparisons.c reads of a metric: n, median, samples, censoring. */
static const char *read_metric(struct metric_summary *m, json_t *metric)
{
	json_t *samples = json_object_get(metric, "samples");
	json_t *median = json_object_get(metric, "median");
	size_t i;
	json_t *v;

	if (!json_is_number(median) || json_integer_value(json_object_get(metric, "n")) < 1)
		return NULL; /* not measured */
	m->samples = calloc(json_array_size(samples) + 1, sizeof(*m->samples));
	if (!m->samples)
		return "out of memory";
	json_array_foreach(samples, i, v)
	{
		if (!json_is_number(v))
			return "a sample is not a number";
		m->samples[m->nr_samples++] = json_number_value(v);
	}
	m->stats.n = (unsigned)json_integer_value(json_object_get(metric, "n"));
	m->stats.median = json_number_value(median);
	m->nr_censored = (unsigned)json_integer_value(json_object_get(metric, "censored"));
	m->lower_bound = json_is_true(json_object_get(metric, "lower_bound"));
	return NULL;
}

static const char *read_group(struct derive *d, json_t *result)
{
	int l = find_loader(&d->config, text(result, "loader"));
	int c = find_count(&d->config, json_integer_value(json_object_get(result, "instances")));
	json_t *memory = json_object_get(result, "memory_kb");
	json_t *trace = json_object_get(result, "trace_ms");
	struct group_summary *g;
	const char *why = NULL;

	if (l < 0 || c < 0)
		return "results holds a loader or instance count its config does not";
	g = &d->summary.groups[summary_group_index(&d->config, (unsigned)c, (unsigned)l)];
	why = read_metric(&g->mem_kb[MEM_USS], json_object_get(memory, mem_metric_name(MEM_USS)));
	if (!why)
		why = read_metric(&g->mem_kb[MEM_PSS],
				  json_object_get(memory, mem_metric_name(MEM_PSS)));
	for (int p = 0; p < NR_POINTS && !why; p++)
		why = read_metric(&g->point_ms[p], json_object_get(trace, bench_point_name(p)));
	return why;
}

static const char *read_groups(struct derive *d)
{
	const struct bench_config *config = &d->config;
	json_t *results = json_object_get(d->doc, "results");
	const char *why = NULL;
	size_t i;
	json_t *v;

	d->summary.config = config;
	d->summary.groups = calloc((size_t)config->nr_instance_counts * config->nr_loaders + 1,
				   sizeof(*d->summary.groups));
	if (!d->summary.groups)
		return "out of memory";
	d->summary.nr_groups = config->nr_instance_counts * config->nr_loaders;
	for (unsigned c = 0; c < config->nr_instance_counts; c++)
		for (unsigned l = 0; l < config->nr_loaders; l++) {
			struct group_summary *g =
				&d->summary.groups[summary_group_index(config, c, l)];

			g->loader = l;
			g->instances = config->instance_counts[c];
		}
	if (!json_is_array(results))
		return "no results";
	json_array_foreach(results, i, v)
	{
		if (!why)
			why = read_group(d, v);
	}
	return why;
}

static bool is_bzimage(const char *path)
{
	uint8_t head[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof(head)) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 && bzimage_detect(head, (size_t)n);
}

/* The kernel as the run recorded it, if the file here is that one. */
static void read_kernel(struct kernel_load *k, json_t *image)
{
	const char *path = text(image, "path");
	json_t *bytes = json_object_get(image, "bytes");
	const char *recorded = text(image, "sha256");
	char digest[SHA256_HEX_SIZE];
	uint64_t size = 0;
	struct stat st;

	kernel_load_read(k, NULL);
	if (!path)
		return;
	k->path = path;
	if (!json_is_integer(bytes))
		snprintf(k->why, sizeof(k->why), "the run recorded no size and hash for %s", path);
	else if (access(path, R_OK) != 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		snprintf(k->why, sizeof(k->why), "%s is not readable from here", path);
	else if (!recorded)
		snprintf(
			k->why, sizeof(k->why),
			"the run recorded no SHA-256 for %s%s, so the file here cannot be verified",
			path,
			text(image, "fnv1a64") ? " (an older loadbench recorded FNV-1a only)" : "");
	else if (sha256_file(path, digest, &size) != 0 ||
		 size != (uint64_t)json_integer_value(bytes) || strcmp(digest, recorded) != 0)
		snprintf(k->why, sizeof(k->why),
			 "%s differs from the kernel the run used (size or SHA-256)", path);
	else if (is_bzimage(path))
		snprintf(k->why, sizeof(k->why),
			 "%s is a bzImage: its ELF is unpacked elsewhere, so its program headers "
			 "were not read",
			 path);
	else
		kernel_load_read(k, path);
}

static void read_images(struct derive *d)
{
	json_t *context = json_object_get(d->doc, "context");
	json_t *initrd = json_object_get(context, "initrd");

	read_kernel(&d->ctx.kernel_elf, json_object_get(context, "kernel"));
	d->ctx.initrd.path = text(initrd, "path");
	d->ctx.initrd.present = json_is_integer(json_object_get(initrd, "bytes"));
	d->ctx.initrd.bytes = (uint64_t)json_integer_value(json_object_get(initrd, "bytes"));
}

/* The context with kernel_elf after the images, where loadbench puts it. */
static void write_context(struct json_writer *j, const char *key, json_t *context,
			  const struct kernel_load *kernel_elf)
{
	bool written = false;
	const char *k;
	json_t *v;

	jw_object_begin(j, key);
	json_object_foreach(context, k, v)
	{
		if (strcmp(k, "kernel_elf") == 0)
			continue;
		jw_value(j, k, v);
		if (strcmp(k, "initrd") == 0) {
			kernel_load_json(j, "kernel_elf", kernel_elf);
			written = true;
		}
	}
	if (!written)
		kernel_load_json(j, "kernel_elf", kernel_elf);
	jw_object_end(j);
}

/* The document again, the derived figures in place of any earlier ones, where
 * loadbench writes them: comparisons and sharing at the end. */
static void write_doc(struct json_writer *j, const struct derive *d, const struct comparisons *cmp,
		      const struct sharing_summary *sharing)
{
	const char *key;
	json_t *v;

	jw_object_begin(j, NULL);
	json_object_foreach(d->doc, key, v)
	{
		if (strcmp(key, "comparisons") == 0 || strcmp(key, "sharing") == 0)
			continue;
		if (strcmp(key, "context") != 0 || !json_is_object(v)) {
			jw_value(j, key, v);
			continue;
		}
		write_context(j, key, v, &d->ctx.kernel_elf);
	}
	comparisons_json(j, cmp, &d->config);
	sharing_summary_json(j, sharing, &d->config);
	jw_object_end(j);
}

static int derive(struct derive *d, const char *dir)
{
	struct comparisons cmp = { 0 };
	struct sharing_summary sharing = { 0 };
	struct atomic_file af = { 0 };
	struct json_writer j;
	char csv[4200];
	bool has_sharing = false;
	FILE *f;
	int err;

	snprintf(csv, sizeof(csv), "%s/sharing.csv", dir);
	read_images(d);
	if (comparisons_compute(&cmp, &d->summary, &d->ctx)) {
		pr_err("out of memory");
		return -1;
	}
	if (access(csv, F_OK) == 0) {
		if (sharing_summary_read(&sharing, csv, &d->config, &cmp)) {
			comparisons_free(&cmp);
			return -1;
		}
		has_sharing = true;
	}
	f = atomic_open(&af, dir, "summary.json");
	if (f) {
		jw_init(&j, f);
		write_doc(&j, d, &cmp, has_sharing ? &sharing : NULL);
		if (jw_finish(&j))
			atomic_fail(&af);
	}
	err = !f || atomic_commit(&af);
	comparisons_free(&cmp);
	sharing_summary_free(&sharing);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct derive d;
	json_error_t error;
	const char *why = NULL;
	int err;

	log_set_program("summary-derive");
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: summary-derive RESULTS_DIR\n");
		return 2;
	}
	snprintf(d.path, sizeof(d.path), "%s/summary.json", argv[1]);
	d.doc = json_load_file(d.path, 0, &error);
	if (!d.doc) {
		pr_err("%s: %s", d.path, error.text);
		return 1;
	}
	if (strncmp(text(d.doc, "schema") ? text(d.doc, "schema") : "", "kvm-loadbench/summary/",
		    22) != 0)
		why = "not a kvm-loadbench summary";
	if (!why)
		why = read_config(&d);
	if (!why)
		why = read_groups(&d);
	if (why)
		pr_err("%s: %s", d.path, why);
	err = why || derive(&d, argv[1]);
	summary_free(&d.summary);
	json_decref(d.doc);
	return err ? 1 : 0;
}
