// SPDX-License-Identifier: MIT
/* The copy strategy: read the image bytes into anonymous guest RAM, as
 * QEMU did before 4.2. Every loaded page becomes private to this VM. */
#include "loader_ops.h"

#include "log.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

int copy_from_file(void *dst, int fd, const char *path, uint64_t offset, uint64_t len)
{
	uint8_t *out = dst;

	while (len > 0) {
		size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
		ssize_t got = pread(fd, out, chunk, (off_t)offset);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			pr_errno("%s: read failed", path);
			return -1;
		}
		if (got == 0) {
			pr_err("%s: file ended early (truncated while loading?)", path);
			return -1;
		}
		out += got;
		offset += (uint64_t)got;
		len -= (uint64_t)got;
	}
	return 0;
}

int advise_extent_pages(struct guest_mem *mem, const struct file_extent *ext, int advice)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = ext->gpa & ~(page - 1);
	uint64_t end = (ext->gpa + ext->file_size + page - 1) & ~(page - 1);

	return end > start ? madvise(mem->host + start, end - start, advice) : 0;
}

static int copy_place_extent(struct guest_mem *mem, int fd, const char *path,
			     const struct file_extent *ext, struct load_stats *stats)
{
	void *dst = guest_mem_ptr(mem, ext->gpa, ext->mem_size);

	if (!dst) {
		pr_err("%s: extent outside guest RAM", path);
		return -1;
	}
	if (copy_from_file(dst, fd, path, ext->file_offset, ext->file_size))
		return -1;
	stats->bytes_copied += ext->file_size;
	return 0;
}

const struct loader_ops copy_loader = {
	.name = "copy",
	.place_extent = copy_place_extent,
};
