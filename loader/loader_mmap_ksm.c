// SPDX-License-Identifier: MIT
/*
 * mmap-ksm: the mmap strategy, then MADV_MERGEABLE over the mapped ranges.
 * Pages the guest never writes stay shared page-cache pages, as with mmap;
 * the pages every guest writes the same way at boot (ftrace's NOPs, return
 * thunks, LOCK prefixes, early data: sharemap --kinds) become anonymous
 * copies, which ksmd then merges across VMs. KSM accepts a private file
 * mapping and only ever scans its anonymous pages. The price is ksmd's CPU
 * time and the delay until pages merge (bench/ksm.sh measures both).
 */
#include "loader_ops.h"

static int mmap_ksm_place_extent(struct guest_mem *mem, int fd, const char *path,
				 const struct file_extent *ext, struct load_stats *stats)
{
	return place_mergeable(&mmap_loader, mem, fd, path, ext, stats);
}

const struct loader_ops mmap_ksm_loader = {
	.name = "mmap-ksm",
	.place_extent = mmap_ksm_place_extent,
};
