// SPDX-License-Identifier: MIT
#include "sharing_log.h"

#include "log.h"
#include "raw_csv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The header line: the sharemap columns, then one per page kind. */
static void header(char *line, size_t size)
{
	size_t len = (size_t)snprintf(
		line, size,
		"loader,instances,round,instance,file,region,bytes,pages,shared,copied,untouched");

	for (int k = 0; k < PAGE_KINDS && len < size; k++)
		len += (size_t)snprintf(line + len, size - len, ",%s", page_kind_name(k));
	if (len < size)
		snprintf(line + len, size - len, ",other_bytes\n");
}

/* A partial file from a build with other columns cannot take our rows. */
static int same_columns(const char *path, const char *want)
{
	char line[1024] = "";
	FILE *f = fopen(path, "r");
	int same = f && fgets(line, sizeof(line), f) && strcmp(line, want) == 0;

	if (f)
		fclose(f);
	if (!same)
		pr_err("%s: its columns are not this loadbench's: resume it with the build that "
		       "started it",
		       path);
	return same;
}

/* What open_log took, given back (after a failure, or when done). */
static void release(struct sharing_log *log)
{
	if (log->f)
		fclose(log->f);
	log->f = NULL;
	free(log->regions);
	free(log->counts);
	log->regions = NULL;
	log->counts = NULL;
	page_sites_free(&log->kernel_sites);
	page_sites_free(&log->initrd_sites);
}

static int fill_log(struct sharing_log *log, const char *dir, const char *kernel,
		    const char *initrd, long keep)
{
	char columns[1024];
	struct stat st;
	size_t slots;

	memset(log, 0, sizeof(*log));
	log->kernel = kernel;
	log->initrd = initrd;
	if (sharemap_elf_regions(kernel, &log->regions, &log->nr_regions) != 0)
		log->nr_regions = 0; /* not an ELF: no sections to attribute */
	if (log->nr_regions && page_sites_from_elf(kernel, &log->kernel_sites)) {
		pr_errno("%s: cannot read its patch sites", kernel);
		return -1;
	}
	if (initrd && stat(initrd, &st) == 0) {
		snprintf(log->initrd_region.name, sizeof(log->initrd_region.name), "initrd");
		log->initrd_region.size = (uint64_t)st.st_size;
		if (page_sites_whole(&log->initrd_sites, PAGE_INIT_FREED, (uint64_t)st.st_size)) {
			pr_errno("%s", initrd);
			return -1;
		}
	}
	slots = log->nr_regions ? log->nr_regions : 1;
	log->counts = calloc(slots, sizeof(*log->counts));
	snprintf(log->partial, sizeof(log->partial), "%s/sharing.csv.partial", dir);
	snprintf(log->final, sizeof(log->final), "%s/sharing.csv", dir);
	header(columns, sizeof(columns));
	if (keep >= 0 && (!same_columns(log->partial, columns) || raw_file_cut(log->partial, keep)))
		return -1;
	log->f = fopen(log->partial, keep >= 0 ? "a" : "w");
	if (!log->f || !log->counts) {
		pr_errno("%s: cannot write", log->partial);
		return -1;
	}
	if (keep >= 0)
		return 0;
	fputs(columns, log->f);
	return sharing_log_flush(log);
}

static int open_log(struct sharing_log *log, const char *dir, const char *kernel,
		    const char *initrd, long keep)
{
	int ret = fill_log(log, dir, kernel, initrd, keep);

	if (ret)
		release(log);
	return ret;
}

int sharing_log_open(struct sharing_log *log, const char *dir, const char *kernel,
		     const char *initrd)
{
	return open_log(log, dir, kernel, initrd, -1);
}

int sharing_log_reopen(struct sharing_log *log, const char *dir, const char *kernel,
		       const char *initrd, long keep)
{
	return open_log(log, dir, kernel, initrd, keep);
}

long sharing_log_bytes(const struct sharing_log *log)
{
	return ftell(log->f);
}

static void rows_for(struct sharing_log *log, const char *loader, const struct instance_result *res,
		     const char *file, const struct share_region *regions, size_t nr,
		     const struct page_sites *sites)
{
	const struct share_scan scan = { sites, NULL, NULL };

	if (nr == 0 || sharemap_scan(res->pid, file, regions, nr, &scan, log->counts) <= 0)
		return;
	for (size_t i = 0; i < nr; i++) {
		const struct share_counts *c = &log->counts[i];

		fprintf(log->f, "%s,%u,%u,%u,%s,%s,%llu,%llu,%llu,%llu,%llu", loader,
			res->instances, res->round, res->index,
			file == log->initrd ? "initrd" : "kernel", regions[i].name,
			(unsigned long long)regions[i].size, (unsigned long long)c->pages,
			(unsigned long long)c->shared, (unsigned long long)c->copied,
			(unsigned long long)c->untouched);
		for (int k = 0; k < PAGE_KINDS; k++)
			fprintf(log->f, ",%llu", (unsigned long long)c->kinds[k]);
		fprintf(log->f, ",%llu\n", (unsigned long long)c->other_bytes);
	}
}

void sharing_log_instance(struct sharing_log *log, const char *loader,
			  const struct instance_result *res)
{
	if (!log || !log->f || res->pid <= 0)
		return;
	rows_for(log, loader, res, log->kernel, log->regions, log->nr_regions, &log->kernel_sites);
	if (log->initrd && log->initrd_region.size)
		rows_for(log, loader, res, log->initrd, &log->initrd_region, 1, &log->initrd_sites);
}

int sharing_log_flush(struct sharing_log *log)
{
	if (fflush(log->f) != 0 || fsync(fileno(log->f)) != 0) {
		pr_errno("%s: cannot write (disk full?)", log->partial);
		return -1;
	}
	return 0;
}

int sharing_log_finish(struct sharing_log *log)
{
	int failed = fclose(log->f) != 0;

	log->f = NULL;
	release(log);
	if (failed || rename(log->partial, log->final) != 0) {
		pr_errno("%s: cannot finish", log->final);
		return -1;
	}
	return 0;
}
