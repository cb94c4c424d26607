/* SPDX-License-Identifier: MIT */
/*
 * sharing.csv: for every guest whose VMM mapped the images (the mmap
 * loader, QEMU's shared files), page by page after boot: which pages of
 * each kernel ELF section and of the initrd are still the shared
 * page-cache page, which the guest wrote (copied on write), which it never
 * touched (common/sharemap.h), and why the copied pages were written: one
 * column per kind of common/page_kind.h (pages), then other_bytes. Rows are
 * appended per round to sharing.csv.partial and renamed with the rest of
 * the run.
 */
#ifndef LOADBENCH_SHARING_LOG_H
#define LOADBENCH_SHARING_LOG_H

#include "page_sites.h"
#include "results.h"
#include "sharemap.h"

#include <stdio.h>

struct sharing_log {
	FILE *f;
	char partial[4200];
	char final[4200];
	const char *kernel;
	const char *initrd;
	struct share_region *regions; /* the kernel's sections */
	size_t nr_regions;
	struct share_region initrd_region;
	struct page_sites kernel_sites; /* the kernel's patch sites and sections */
	struct page_sites initrd_sites; /* all of it freed after boot */
	struct share_counts *counts;	/* scratch, nr_regions long */
};

/* Opens DIR/sharing.csv.partial. A kernel that is not an ELF (a bzImage,
 * whose mapped file is the unpacked copy) gets no section rows. Returns 0,
 * or -1 after a message. */
int sharing_log_open(struct sharing_log *log, const char *dir, const char *kernel,
		     const char *initrd);

/* For a resumed run: cuts DIR/sharing.csv.partial back to keep bytes (the
 * end of the last finished round) and appends from there; refuses (-1,
 * after a message) a file whose columns are not this build's. */
int sharing_log_reopen(struct sharing_log *log, const char *dir, const char *kernel,
		       const char *initrd, long keep);
/* The file's size with every row written so far. */
long sharing_log_bytes(const struct sharing_log *log);

/* Appends the rows of one sampled instance; a VMM that mapped nothing (the
 * copy loader) adds none. */
void sharing_log_instance(struct sharing_log *log, const char *loader,
			  const struct instance_result *res);

/* Syncs what was appended (after each round). */
int sharing_log_flush(struct sharing_log *log);
/* Renames sharing.csv.partial to sharing.csv. */
int sharing_log_finish(struct sharing_log *log);

#endif
