/* SPDX-License-Identifier: MIT */
/*
 * Page-level sharing attribution: which pages of a kernel (and initrd) that
 * a VMM mapped MAP_PRIVATE are still the shared page-cache page, which the
 * guest wrote (copied on write), and which it never touched, attributed to
 * the kernel's ELF sections.
 *
 * /proc/PID/maps gives the file mappings, /proc/PID/pagemap one 64-bit
 * entry per page: bit 63 present, bit 61 file-backed or shared-anon. A
 * present page of a private file mapping without bit 61 is an anonymous
 * copy. These two bits are readable without root (only PFNs are hidden).
 */
#ifndef KVMLB_SHAREMAP_H
#define KVMLB_SHAREMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct share_region {
	char name[48];
	uint64_t file_offset; /* where its bytes are in the file */
	uint64_t size;
};

struct share_counts {
	uint64_t pages;	    /* pages of the region that the VMM mapped */
	uint64_t shared;    /* present, still the page-cache page */
	uint64_t copied;    /* present, copied on write (anonymous now) */
	uint64_t untouched; /* mapped but never faulted in */
};

/* The allocated sections of an ELF, by their place in the file (through
 * their PT_LOAD), sorted by offset; without section headers, its PT_LOADs.
 * Caller frees *regions. Returns 0 or -1 (errno set). */
int sharemap_elf_regions(const char *path, struct share_region **regions, size_t *nr);

/* Counts, per region, the pages of pid's private mappings of the file at
 * path. counts[nr] are zeroed first. Pages are attributed to the region
 * holding their first byte. Returns the number of mappings of the file
 * found (0: the VMM did not map it, e.g. the copy loader), or -1. */
int sharemap_scan(pid_t pid, const char *path, const struct share_region *regions, size_t nr,
		  struct share_counts *counts);

#endif
