// SPDX-License-Identifier: MIT
/*
 * mmap-populate: the mmap strategy, then MADV_POPULATE_READ (Linux 5.14+)
 * over every mapped page, so the host page tables point at the page-cache
 * pages before the guest runs. The guest's first read of a page then costs
 * KVM no host page fault; a write still copies that page alone. Not
 * MAP_POPULATE: on a private writable mapping it faults for write and
 * copies every page, which is the copy loader's cost without its honesty.
 * Nothing here helps KVM's own (nested) page tables: KVM_PRE_FAULT_MEMORY
 * (Linux 6.10+) would, and the host kernels here (6.1) lack it.
 */
#include "loader_ops.h"

#include "log.h"

#include <errno.h>
#include <sys/mman.h>

static int populate_place_extent(struct guest_mem *mem, int fd, const char *path,
				 const struct file_extent *ext, struct load_stats *stats)
{
	if (mmap_loader.place_extent(mem, fd, path, ext, stats))
		return -1;
	/* Copied head and tail pages are populated already: harmless. */
	if (advise_extent_pages(mem, ext, MADV_POPULATE_READ) != 0) {
		pr_errno("%s: madvise(MADV_POPULATE_READ)%s", path,
			 errno == EINVAL ? " (the host kernel is older than 5.14)" : "");
		return -1;
	}
	return 0;
}

const struct loader_ops mmap_populate_loader = {
	.name = "mmap-populate",
	.place_extent = populate_place_extent,
};
