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
 * .altinstructions; then two byte patterns for what no table claimed (a
 * vmlinux may lack the section headers of __mcount_loc, __jump_table and
 * .static_call_sites): ftrace_nop (the byte lies in a call rel32, e8 + 4
 * bytes, in the file that is the 5-byte NOP 0f 1f 44 00 00 in the guest:
 * ftrace_init turning every call __fentry__ into x86_nops[5], and a
 * static_call_cond() left without a function), jump_label_nop (a jmp rel32,
 * e9 + 4, turned that NOP or back, or a jmp rel8, eb + 1, turned 66 90 or
 * back: jump_label_init); else other. A pattern must lie whole in the
 * classified bytes, so one cut by the page's edge stays other. A page whose
 * differing bytes are all of one kind is that kind; of several kinds, mixed
 * (page_verdict.bytes says which). Pure functions: no I/O.
 */
#ifndef KVMLB_PAGE_KIND_H
#define KVMLB_PAGE_KIND_H

#include <stddef.h>
#include <stdint.h>

/* The CSV columns come in this order. Byte precedence is PAGE_INIT_FREED to
 * PAGE_ALTERNATIVE, PAGE_FTRACE_NOP, PAGE_JUMP_LABEL_NOP, PAGE_OTHER: the
 * pattern kinds came later and go last, so earlier columns keep their place. */
enum page_kind {
	PAGE_UNCHANGED,	     /* byte-identical to the file page */
	PAGE_INIT_FREED,     /* freed after boot (init sections, the initrd) */
	PAGE_DATA,	     /* a writable or non-executable section */
	PAGE_LOCK_TO_DS,     /* 0xf0 (LOCK) turned into 0x3e (DS) */
	PAGE_RETPOLINE,	     /* .retpoline_sites: indirect thunk calls */
	PAGE_RETURN_THUNK,   /* .return_sites: jmp __x86_return_thunk */
	PAGE_STATIC_CALL,    /* .static_call_sites */
	PAGE_JUMP_LABEL,     /* __jump_table */
	PAGE_PARAVIRT,	     /* .parainstructions */
	PAGE_IBT_SEAL,	     /* .ibt_endbr_seal: sealed ENDBR64 */
	PAGE_ALTERNATIVE,    /* .altinstructions: original instructions */
	PAGE_OTHER,	     /* none of these */
	PAGE_MIXED,	     /* differing bytes of several kinds */
	PAGE_UNREAD,	     /* the guest's page could not be read */
	PAGE_FTRACE_NOP,     /* call rel32 -> nop5, in no site table */
	PAGE_JUMP_LABEL_NOP, /* jmp rel32 <-> nop5, jmp rel8 <-> 66 90, likewise */
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
 * unused (the pattern kinds need none). With an all-zero page_sites a
 * differing byte is lock_to_ds, of a pattern, or other. */
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
