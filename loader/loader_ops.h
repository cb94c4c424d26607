/* SPDX-License-Identifier: MIT */
/*
 * Loading strategies. Each places a file extent (an ELF PT_LOAD, or the
 * whole initrd) into guest RAM; a new strategy is one more file with one
 * more table. The initrd needs no operation of its own: it is an extent
 * whose mem_size equals its file_size.
 */
#ifndef LOADVM_LOADER_OPS_H
#define LOADVM_LOADER_OPS_H

#include "guest_mem.h"
#include "kernel_image.h"

#include <stdint.h>

struct load_stats {
	uint64_t bytes_mapped;
	uint64_t bytes_copied;
};

struct loader_ops {
	const char *name;
	/* Returns 0, or -1 after printing one line naming path. */
	int (*place_extent)(struct guest_mem *mem, int fd, const char *path,
			    const struct file_extent *ext, struct load_stats *stats);
};

extern const struct loader_ops copy_loader;
extern const struct loader_ops mmap_loader;
extern const struct loader_ops ksm_loader;
extern const struct loader_ops mmap_populate_loader;
extern const struct loader_ops mmap_ksm_loader;

/* NULL when no strategy has that name. */
const struct loader_ops *loader_find(const char *name);

/* pread() len bytes at offset into dst; shared by every strategy. */
int copy_from_file(void *dst, int fd, const char *path, uint64_t offset, uint64_t len);

/* madvise(advice) over the whole pages that hold ext's file bytes in guest
 * RAM; 0, or -1 with errno (the caller names what failed). */
int advise_extent_pages(struct guest_mem *mem, const struct file_extent *ext, int advice);

/* base's placement, then MADV_MERGEABLE over the extent's pages, for ksmd
 * (the ksm and mmap-ksm strategies); -1 after one line naming path. */
int place_mergeable(const struct loader_ops *base, struct guest_mem *mem, int fd, const char *path,
		    const struct file_extent *ext, struct load_stats *stats);

#endif
