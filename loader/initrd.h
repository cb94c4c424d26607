/* SPDX-License-Identifier: MIT */
/* The initrd: placed page-aligned at the top of guest RAM (as QEMU and
 * Firecracker do), so the mmap loader can map all its whole pages. */
#ifndef LOADVM_INITRD_H
#define LOADVM_INITRD_H

#include "kernel_image.h"

struct initrd {
	const char *path;
	int fd;
	struct file_extent extent;
};

/* Opens path and places it below ram_bytes, above lowest_free. Returns -1
 * after one line naming the file and the problem. */
int initrd_open(struct initrd *initrd, const char *path, uint64_t ram_bytes, uint64_t lowest_free);
void initrd_close(struct initrd *initrd);

#endif
