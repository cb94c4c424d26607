// SPDX-License-Identifier: MIT
/*
 * The ksm strategy: copy the images like the copy loader, then mark those
 * pages MADV_MERGEABLE, so that with ksmd running (/sys/kernel/mm/ksm/run)
 * identical pages of different VMs are merged after the fact. Only the
 * image pages are marked, so the comparison with mmap is about the images
 * alone; ksmd's CPU time and the delay until pages merge are the price
 * (bench/ksm.sh measures both).
 */
#include "loader_ops.h"

#include "log.h"

#include <sys/mman.h>

int place_mergeable(const struct loader_ops *base, struct guest_mem *mem, int fd, const char *path,
		    const struct file_extent *ext, struct load_stats *stats)
{
	if (base->place_extent(mem, fd, path, ext, stats))
		return -1;
	if (advise_extent_pages(mem, ext, MADV_MERGEABLE) != 0) {
		pr_errno("%s: madvise(MADV_MERGEABLE) (kernel without CONFIG_KSM?)", path);
		return -1;
	}
	return 0;
}

static int ksm_place_extent(struct guest_mem *mem, int fd, const char *path,
			    const struct file_extent *ext, struct load_stats *stats)
{
	return place_mergeable(&copy_loader, mem, fd, path, ext, stats);
}

const struct loader_ops ksm_loader = {
	.name = "ksm",
	.place_extent = ksm_place_extent,
};
