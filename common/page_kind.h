/* SPDX-License-Identifier: MIT */
/*
 * Why a copied-on-write page of the kernel file was written: the guest's
 * page compared byte by byte with the file's, each differing byte put down
 * to what Linux patches or writes there (its patch-site tables and the
 * kinds of its sections, as spans of file offsets: page_sites.h).
 *
 * A differing byte takes the first kind that holds it, in this order:
 * init_freed (the byte lies in memory the kernel frees after boot and
 * reuses), data (a section that is writable or not executable), lock_to_ds
 * (a LOCK prefix 0xf0 in the file that is a DS prefix 0x3e in the guest:
 * alternatives_smp_unlock on one CPU), then the call sites of
 * .retpoline_sites, .return_sites, .static_call_sites, __jump_table,
 * .parainstructions, .ibt_endbr_seal and the original instructions of
 * .altinstructions, else other. A page whose differing bytes are all of one
 * kind is that kind; of several kinds, mixed (page_verdict.bytes says which).
 * Pure functions: no I/O.
 */
#ifndef KVMLB_PAGE_KIND_H
#define KVMLB_PAGE_KIND_H

#include <stddef.h>
#include <stdint.h>

/* In byte precedence from PAGE_INIT_FREED to PAGE_OTHER; the CSV columns
 * come in this order. */
enum page_kind {
	PAGE_UNCHANGED,	   /* byte-identical to the file page */
	PAGE_INIT_FREED,   /* freed after boot (init sections, the initrd) */
	PAGE_DATA,	   /* a writable or non-executable section */
	PAGE_LOCK_TO_DS,   /* 0xf0 (LOCK) turned into 0x3e (DS) */
	PAGE_RETPOLINE,	   /* .retpoline_sites: indirect thunk calls */
	PAGE_RETURN_THUNK, /* .return_sites: jmp __x86_return_thunk */
	PAGE_STATIC_CALL,  /* .static_call_sites */
	PAGE_JUMP_LABEL,   /* __jump_table */
	PAGE_PARAVIRT,	   /* .parainstructions */
	PAGE_IBT_SEAL,	   /* .ibt_endbr_seal: sealed ENDBR64 */
	PAGE_ALTERNATIVE,  /* .altinstructions: original instructions */
	PAGE_OTHER,	   /* none of these */
	PAGE_MIXED,	   /* differing bytes of several kinds */
	PAGE_UNREAD,	   /* the guest's page could not be read */
	PAGE_KINDS
};

/* Half-open [start, end) in file offsets. */
struct span {
	uint64_t start;
	uint64_t end;
};

/* Sorted by start, not overlapping (page_sites.c merges them). */
struct span_list {
	struct span *spans;
	size_t nr;
};

/* Spans per byte kind, PAGE_INIT_FREED to PAGE_ALTERNATIVE; the others are
 * unused. An all-zero page_sites puts every differing byte under other. */
struct page_sites {
	struct span_list spans[PAGE_KINDS];
};

struct page_verdict {
	enum page_kind kind;
	uint32_t diff_bytes;	    /* bytes that differ */
	uint32_t bytes[PAGE_KINDS]; /* of those, per byte kind */
};

/* "unchanged", "lock_to_ds", ...: the CSV column names. */
const char *page_kind_name(enum page_kind kind);

/* Classifies len bytes at file offset `offset`: file holds the file's bytes
 * there, guest the VMM's copy. */
void page_kind_classify(const struct page_sites *sites, uint64_t offset, const uint8_t *file,
			const uint8_t *guest, size_t len, struct page_verdict *verdict);

#endif
