// SPDX-License-Identifier: MIT
#include "image_cache.h"

#include "bench_config.h"
#include "kernel_cache.h"
#include "log.h"
#include "page_cache.h"
#include "progress_log.h"

#include <stdio.h>
#include <string.h>

static void add_file(struct image_cache *cache, const char *path, const char *role)
{
	struct image_cache_file *f = &cache->files[cache->nr_files++];

	snprintf(f->path, sizeof(f->path), "%s", path);
	f->role = role;
}

/* The files the VMMs read, as they will read them. */
static int list_files(struct image_cache *cache, const struct bench_config *config)
{
	char elf[sizeof(cache->files[0].path)];
	int unpacked = kernel_cache_resolve(config->kernel, elf, sizeof(elf));

	if (unpacked < 0)
		return -1;
	add_file(cache, config->kernel, "kernel");
	if (unpacked)
		add_file(cache, elf, "unpacked kernel");
	if (config->initrd)
		add_file(cache, config->initrd, "initrd");
	return 0;
}

int image_cache_start(struct image_cache *cache, const struct bench_config *config)
{
	memset(cache, 0, sizeof(*cache));
	cache->cold = strcmp(config->cache, "cold") == 0;
	if (list_files(cache, config))
		return -1;
	for (unsigned i = 0; i < cache->nr_files; i++) {
		struct image_cache_file *f = &cache->files[i];

		if ((!cache->cold && page_cache_load(f->path) != 0) ||
		    page_cache_resident(f->path, &f->resident_at_start, &f->pages) != 0) {
			pr_errno("--cache %s: %s", config->cache, f->path);
			return -1;
		}
		/* Memory too tight to hold the images: warm it is not. */
		if (!cache->cold && f->resident_at_start < f->pages)
			pr_err("warning: --cache warm: only %llu of %llu pages of %s are in the "
			       "page cache after reading it",
			       (unsigned long long)f->resident_at_start,
			       (unsigned long long)f->pages, f->path);
	}
	return 0;
}

long long image_cache_before_launch(const struct image_cache *cache,
				    const struct bench_config *config)
{
	long long total = 0;

	for (unsigned i = 0; i < cache->nr_files; i++) {
		const struct image_cache_file *f = &cache->files[i];
		uint64_t resident, pages;

		if (cache->cold && page_cache_evict(f->path) != 0)
			pr_errno("warning: --cache cold: cannot evict %s", f->path);
		if (page_cache_resident(f->path, &resident, &pages) != 0) {
			pr_errno("warning: --cache %s: cannot count the resident pages of %s",
				 config->cache, f->path);
			return -1;
		}
		total += (long long)resident;
		if (!cache->cold || resident == 0)
			continue;
		pr_err("warning: --cache cold: %llu of %llu pages of %s stayed in the page cache "
		       "after eviction (mapped by another process?)",
		       (unsigned long long)resident, (unsigned long long)pages, f->path);
		progress_log_event(config->progress, "cache-resident file=%s pages=%llu of=%llu",
				   f->path, (unsigned long long)resident,
				   (unsigned long long)pages);
	}
	return total;
}

uint64_t image_cache_pages(const struct image_cache *cache)
{
	uint64_t pages = 0;

	for (unsigned i = 0; i < cache->nr_files; i++)
		pages += cache->files[i].pages;
	return pages;
}

uint64_t image_cache_resident_at_start(const struct image_cache *cache)
{
	uint64_t resident = 0;

	for (unsigned i = 0; i < cache->nr_files; i++)
		resident += cache->files[i].resident_at_start;
	return resident;
}
