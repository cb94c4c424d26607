/* SPDX-License-Identifier: MIT */
/*
 * bzImage kernels are unpacked once into a cache, so the mmap loader can
 * map the ELF's pages (QEMU cannot mmap a compressed kernel). The cache is
 * $XDG_CACHE_HOME/kvm-loadbench (or ~/.cache/kvm-loadbench); an entry is
 * named by a fast hash of the bzImage's content and its size, written under a temporary
 * name, synced (so its page-cache pages are clean) and renamed.
 */
#ifndef LOADVM_KERNEL_CACHE_H
#define LOADVM_KERNEL_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* If path is a bzImage, unpacks it (or reuses the cached copy) and writes
 * the ELF's path to elf_path; returns 1. Returns 0 for any other file
 * (elf_path = path), -1 after a message on failure. */
int kernel_cache_resolve(const char *path, char *elf_path, size_t elf_path_size);

/* Removes the temporary file of an unpacking under way, if any: for a
 * --timeout that ends the process mid-way. Async-signal-safe. */
void kernel_cache_abandon(void);

struct kernel_image;
struct image_limits;

/* --kernel as given, and the ELF loadvm loads from it. */
struct kernel_file {
	char elf_path[4352]; /* --kernel, or its unpacked copy in the cache */
	char label[4400];    /* how messages name it: always after --kernel */
};

/* Resolves path (kernel_cache_resolve) and opens the ELF as a kernel image;
 * errors about an unpacked ELF name the bzImage, and such an ELF, once
 * refused, is removed from the cache. -1 after one line. */
int kernel_file_open(struct kernel_file *file, struct kernel_image *image, const char *path,
		     const struct image_limits *limits);

#endif
