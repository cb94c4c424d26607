// SPDX-License-Identifier: MIT
/*
 * The mmap strategy: map whole file pages copy-on-write (MAP_PRIVATE) over
 * the guest-RAM range they belong at. A page the guest only reads stays the
 * page-cache page, shared by every VM that maps the same file; a page it
 * writes is copied on write. Partial pages are copied (see load_plan.h).
 * Pitfall: mapping a page wholly past EOF would SIGBUS on access; the plan
 * only maps pages inside [file_offset, file_offset + file_size).
 */
#include "load_plan.h"
#include "loader_ops.h"

#include "log.h"

#include <sys/mman.h>
#include <unistd.h>

static int copy_range(struct guest_mem *mem, int fd, const char *path, const struct byte_range *r,
		      struct load_stats *stats)
{
	if (r->len == 0)
		return 0;
	if (copy_from_file(mem->host + r->gpa, fd, path, r->file_offset, r->len))
		return -1;
	stats->bytes_copied += r->len;
	return 0;
}

static int map_range(struct guest_mem *mem, int fd, const char *path, const struct byte_range *r,
		     struct load_stats *stats)
{
	void *want = mem->host + r->gpa;

	if (r->len == 0)
		return 0;
	if (mmap(want, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
		 (off_t)r->file_offset) == MAP_FAILED) {
		pr_errno("%s: mmap into guest RAM failed", path);
		return -1;
	}
	stats->bytes_mapped += r->len;
	return 0;
}

static int mmap_place_extent(struct guest_mem *mem, int fd, const char *path,
			     const struct file_extent *ext, struct load_stats *stats)
{
	struct load_plan plan;

	if (!guest_mem_ptr(mem, ext->gpa, ext->mem_size)) {
		pr_err("%s: extent outside guest RAM", path);
		return -1;
	}
	load_plan_compute(ext, (uint64_t)sysconf(_SC_PAGESIZE), &plan);
	if (map_range(mem, fd, path, &plan.map, stats) ||
	    copy_range(mem, fd, path, &plan.head_copy, stats) ||
	    copy_range(mem, fd, path, &plan.tail_copy, stats))
		return -1;
	return 0;
}

const struct loader_ops mmap_loader = {
	.name = "mmap",
	.place_extent = mmap_place_extent,
};
