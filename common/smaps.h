/* SPDX-License-Identifier: MIT */
/*
 * /proc/PID/smaps_rollup, parsed by field name ("Key:   N kB"), never by
 * position. Fields an older kernel does not print stay at -1 (unknown).
 * USS is computed as smem does: Private_Clean + Private_Dirty.
 * Every field Linux 6.1 prints is known, and KSM (Linux 6.6 and later).
 */
#ifndef KVMLB_SMAPS_H
#define KVMLB_SMAPS_H

#include <stdint.h>
#include <sys/types.h>

/* In the order the kernel prints them. */
enum smaps_field {
	SMAPS_RSS,
	SMAPS_PSS,
	SMAPS_PSS_DIRTY, /* Linux 6.0 */
	SMAPS_PSS_ANON,	 /* Pss_Anon, _File, _Shmem: Linux 5.8 */
	SMAPS_PSS_FILE,
	SMAPS_PSS_SHMEM,
	SMAPS_SHARED_CLEAN,
	SMAPS_SHARED_DIRTY,
	SMAPS_PRIVATE_CLEAN,
	SMAPS_PRIVATE_DIRTY,
	SMAPS_REFERENCED,
	SMAPS_ANONYMOUS,
	SMAPS_KSM, /* Linux 6.6 */
	SMAPS_LAZYFREE,
	SMAPS_ANON_HUGE_PAGES,
	SMAPS_SHMEM_PMD_MAPPED,
	SMAPS_FILE_PMD_MAPPED,
	SMAPS_SHARED_HUGETLB,
	SMAPS_PRIVATE_HUGETLB,
	SMAPS_SWAP,
	SMAPS_SWAP_PSS,
	SMAPS_LOCKED,
	SMAPS_NR_FIELDS
};

struct smaps_rollup {
	int64_t kb[SMAPS_NR_FIELDS]; /* -1: not reported */
};

/* The name as the kernel prints it, e.g. "Shared_Clean". */
const char *smaps_field_name(enum smaps_field field);

/* Parses the text of an smaps_rollup file. Returns 0, or -1 if it holds
 * neither Rss nor Pss (not an smaps file). */
int smaps_parse(const char *text, struct smaps_rollup *out);

/* Reads /proc/<pid>/smaps_rollup. Returns -1 with errno on failure. */
int smaps_read_pid(pid_t pid, struct smaps_rollup *out);

/* smem's USS, in kB, or -1 if a private field is missing. */
int64_t smaps_uss_kb(const struct smaps_rollup *rollup);

/* 1 if some pages are swapped out (Swap > 0): USS and PSS then count only
 * what is resident and understate the footprint. 0 if none, -1 if the
 * kernel did not say. */
int smaps_swapped(const struct smaps_rollup *rollup);

#endif
