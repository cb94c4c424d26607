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

#include "page_kind.h"

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
	/* Why the copied pages were written (with share_scan.sites). */
	uint64_t kinds[PAGE_KINDS];
	uint64_t other_bytes; /* differing bytes of kind other, in any page */
};

/* What sharemap_scan does with every copied page besides counting it. */
struct share_scan {
	/* Classify it against these (page_kind.h): the guest's page is read
	 * through /proc/PID/mem, which needs ptrace access (a child of ours,
	 * or root); without it the page is unread. Only present pages are
	 * read, so reading faults nothing into the VMM. */
	const struct page_sites *sites;
	/* If set, called for every classified page (file offset, its region). */
	void (*page)(void *arg, size_t region, uint64_t offset, const struct page_verdict *verdict);
	void *arg;
};

/* The allocated sections of an ELF, by their place in the file (through
 * their PT_LOAD), sorted by offset; without section headers, its PT_LOADs.
 * Caller frees *regions. Returns 0 or -1 (errno set). */
int sharemap_elf_regions(const char *path, struct share_region **regions, size_t *nr);

/* Counts, per region, the pages of pid's private mappings of the file at
 * path, and with scan (may be NULL) why the copied ones were written.
 * counts[nr] are zeroed first. Pages are attributed to the region holding
 * their first byte. Returns the number of mappings of the file found (0: the
 * VMM did not map it, e.g. the copy loader), or -1. */
int sharemap_scan(pid_t pid, const char *path, const struct share_region *regions, size_t nr,
		  const struct share_scan *scan, struct share_counts *counts);

#endif
