/* SPDX-License-Identifier: MIT */
/*
 * bzImage kernels are unpacked once into a cache, so the mmap loader can
 * map the ELF's pages (QEMU cannot mmap a compressed kernel). The cache is
 * $XDG_CACHE_HOME/kvm-loadbench (or ~/.cache/kvm-loadbench); an entry is
 * named by the bzImage's content hash and size, written under a temporary
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

#endif
