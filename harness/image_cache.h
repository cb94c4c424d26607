/* SPDX-License-Identifier: MIT */
/*
 * --cache warm|cold for the files the VMMs read: the kernel, for a bzImage
 * also the unpacked ELF that loadvm maps (loader/kernel_cache.c), and the
 * initrd. warm reads them all in before the first round; cold drops them
 * from the page cache before every round, once the previous round's VMMs
 * are gone. Either way their resident pages are counted just before each
 * launch, so the outputs say what was measured, not what was meant.
 */
#ifndef LOADBENCH_IMAGE_CACHE_H
#define LOADBENCH_IMAGE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

struct bench_config;

#define IMAGE_CACHE_FILES 3

struct image_cache_file {
	char path[4352];
	const char *role; /* "kernel", "unpacked kernel" or "initrd" */
	uint64_t pages;
	/* Before this process's first round: after the warm-up when warm, as
	 * found (before the first eviction) when cold. */
	uint64_t resident_at_start;
};

struct image_cache {
	bool cold;
	unsigned int nr_files;
	struct image_cache_file files[IMAGE_CACHE_FILES];
};

/* Lists the images, reads them in when warm, and counts their resident
 * pages. Call it after everything else that reads them (hashes, input
 * checks, ELF sections) and before the first round. -1 after one line. */
int image_cache_start(struct image_cache *cache, const struct bench_config *config);

/* Just before a round's launch: cold evicts every image. Returns the
 * images' resident pages, counted after that, or -1 if they could not be
 * counted. A cold round that leaves pages resident says so on stderr, in
 * one line per file with the count, and in progress.log. */
long long image_cache_before_launch(const struct image_cache *cache,
				    const struct bench_config *config);

/* All the images' pages, and those resident at the start. */
uint64_t image_cache_pages(const struct image_cache *cache);
uint64_t image_cache_resident_at_start(const struct image_cache *cache);

#endif
