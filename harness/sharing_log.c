// SPDX-License-Identifier: MIT
#include "sharing_log.h"

#include "log.h"
#include "raw_csv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_log(struct sharing_log *log, const char *dir, const char *kernel,
		    const char *initrd, long keep)
{
	struct stat st;
	size_t slots;

	memset(log, 0, sizeof(*log));
	log->kernel = kernel;
	log->initrd = initrd;
	if (sharemap_elf_regions(kernel, &log->regions, &log->nr_regions) != 0)
		log->nr_regions = 0; /* a bzImage: its sections live in the unpacked copy */
	if (initrd && stat(initrd, &st) == 0) {
		snprintf(log->initrd_region.name, sizeof(log->initrd_region.name), "initrd");
		log->initrd_region.size = (uint64_t)st.st_size;
	}
	slots = log->nr_regions ? log->nr_regions : 1;
	log->counts = calloc(slots, sizeof(*log->counts));
	snprintf(log->partial, sizeof(log->partial), "%s/sharing.csv.partial", dir);
	snprintf(log->final, sizeof(log->final), "%s/sharing.csv", dir);
	if (keep >= 0 && raw_file_cut(log->partial, keep))
		return -1;
	log->f = fopen(log->partial, keep >= 0 ? "a" : "w");
	if (!log->f || !log->counts) {
		pr_errno("%s: cannot write", log->partial);
		return -1;
	}
	if (keep >= 0)
		return 0;
	fputs("loader,instances,round,instance,file,region,bytes,pages,shared,copied,untouched\n",
	      log->f);
	return sharing_log_flush(log);
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
		     const char *file, const struct share_region *regions, size_t nr)
{
	if (nr == 0 || sharemap_scan(res->pid, file, regions, nr, NULL, log->counts) <= 0)
		return;
	for (size_t i = 0; i < nr; i++)
		fprintf(log->f, "%s,%u,%u,%u,%s,%s,%llu,%llu,%llu,%llu,%llu\n", loader,
			res->instances, res->round, res->index,
			file == log->initrd ? "initrd" : "kernel", regions[i].name,
			(unsigned long long)regions[i].size,
			(unsigned long long)log->counts[i].pages,
			(unsigned long long)log->counts[i].shared,
			(unsigned long long)log->counts[i].copied,
			(unsigned long long)log->counts[i].untouched);
}

void sharing_log_instance(struct sharing_log *log, const char *loader,
			  const struct instance_result *res)
{
	if (!log || !log->f || res->pid <= 0)
		return;
	rows_for(log, loader, res, log->kernel, log->regions, log->nr_regions);
	if (log->initrd && log->initrd_region.size)
		rows_for(log, loader, res, log->initrd, &log->initrd_region, 1);
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
	free(log->regions);
	free(log->counts);
	if (failed || rename(log->partial, log->final) != 0) {
		pr_errno("%s: cannot finish", log->final);
		return -1;
	}
	return 0;
}
