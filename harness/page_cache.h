/* SPDX-License-Identifier: MIT */
/*
 * A file's pages in the host's page cache: how many are resident
 * (mincore on a read-only shared mapping, which faults nothing in), and
 * dropping them (posix_fadvise DONTNEED) or reading them all in.
 * DONTNEED drops only clean pages no process maps; tmpfs keeps them all.
 */
#ifndef LOADBENCH_PAGE_CACHE_H
#define LOADBENCH_PAGE_CACHE_H

#include <stdint.h>

/* *resident of the file's *pages are in the page cache. 0, or -1 with errno. */
int page_cache_resident(const char *path, uint64_t *resident, uint64_t *pages);

/* Writes the file's dirty pages back and drops its pages from the page
 * cache. 0, or -1 with errno; pages that stay are page_cache_resident's. */
int page_cache_evict(const char *path);

/* Reads the whole file, so every page is in the page cache. 0, or -1 with errno. */
int page_cache_load(const char *path);

#endif
