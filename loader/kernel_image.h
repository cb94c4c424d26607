/* SPDX-License-Identifier: MIT */
/*
 * A bootable kernel image as loadvm sees it: the file, the PT_LOAD extents
 * to place in guest RAM, and the PVH entry point. Parsing validates every
 * field against the file and the guest's RAM, so loaders can trust it.
 */
#ifndef LOADVM_KERNEL_IMAGE_H
#define LOADVM_KERNEL_IMAGE_H

#include <stdint.h>

#define KERNEL_MAX_SEGMENTS 16

/* Bytes [file_offset, file_offset + file_size) of a file belong at guest
 * address gpa; [gpa + file_size, gpa + mem_size) is zero-filled. */
struct file_extent {
	uint64_t gpa;
	uint64_t file_offset;
	uint64_t file_size;
	uint64_t mem_size;
};

struct kernel_image {
	const char *path;
	int fd;
	uint64_t file_bytes;
	uint32_t pvh_entry;
	unsigned int nr_segments;
	struct file_extent segments[KERNEL_MAX_SEGMENTS];
};

/* Where the image must fit: guest RAM size and the reserved boot-data area. */
struct image_limits {
	uint64_t ram_bytes;
	uint64_t reserved_end; /* nothing may be loaded below this address */
};

/*
 * Opens and validates a PVH ELF kernel. On failure prints one line naming
 * the file and the problem and returns -1 (a bad-input error).
 */
int kernel_image_open(struct kernel_image *image, const char *path,
		      const struct image_limits *limits);

/* Validates an ELF already open on fd (used by kernel_image_open and tests). */
int kernel_image_parse_fd(struct kernel_image *image, int fd, const char *path,
			  const struct image_limits *limits);

void kernel_image_close(struct kernel_image *image);

/* Highest guest address + 1 used by any segment. */
uint64_t kernel_image_end(const struct kernel_image *image);

#endif
