// SPDX-License-Identifier: MIT
#include "page_kind.h"

#include <string.h>

static const char *const names[PAGE_KINDS] = {
	[PAGE_UNCHANGED] = "unchanged",
	[PAGE_INIT_FREED] = "init_freed",
	[PAGE_DATA] = "data",
	[PAGE_LOCK_TO_DS] = "lock_to_ds",
	[PAGE_RETPOLINE] = "retpoline",
	[PAGE_RETURN_THUNK] = "return_thunk",
	[PAGE_STATIC_CALL] = "static_call",
	[PAGE_JUMP_LABEL] = "jump_label",
	[PAGE_PARAVIRT] = "paravirt",
	[PAGE_IBT_SEAL] = "ibt_seal",
	[PAGE_ALTERNATIVE] = "alternative",
	[PAGE_OTHER] = "other",
	[PAGE_MIXED] = "mixed",
	[PAGE_UNREAD] = "unread",
	[PAGE_FTRACE_NOP] = "ftrace_nop",
	[PAGE_JUMP_LABEL_NOP] = "jump_label_nop",
};

const char *page_kind_name(enum page_kind kind)
{
	return kind < PAGE_KINDS ? names[kind] : "?";
}

/* The first span that ends after offset (spans are sorted and disjoint, so
 * their ends are sorted too). */
static size_t first_ending_after(const struct span_list *list, uint64_t offset)
{
	size_t lo = 0, hi = list->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (list->spans[mid].end <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Walks the spans of every kind alongside the page's bytes: one binary
 * search per kind and page, then cursors that only move forward. */
struct cursors {
	size_t at[PAGE_KINDS];
};

static int holds(const struct span_list *list, size_t *at, uint64_t offset)
{
	while (*at < list->nr && list->spans[*at].end <= offset)
		(*at)++;
	return *at < list->nr && list->spans[*at].start <= offset;
}

/* x86_64's x86_nops[5] and [2] (arch/x86/include/asm/nops.h, 6.1). */
static const uint8_t nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t nop2[2] = { 0x66, 0x90 };

/* An instruction opcode + rel on one side that is nop on the other. */
static int swapped(const uint8_t *a, const uint8_t *b, uint8_t opcode, const uint8_t *nop, size_t n)
{
	return a[0] == opcode && memcmp(b, nop, n) == 0;
}

/* The pattern kind of the differing byte at i: an instruction that holds it
 * and starts at most 4 bytes before it, whole within the len bytes. */
static enum page_kind pattern_kind(const uint8_t *file, const uint8_t *guest, size_t len, size_t i)
{
	for (size_t back = 0; back < sizeof(nop5) && back <= i; back++) {
		const uint8_t *f = file + i - back, *g = guest + i - back;

		if (i - back + sizeof(nop5) <= len) {
			if (swapped(f, g, 0xe8, nop5, sizeof(nop5)))
				return PAGE_FTRACE_NOP;
			if (swapped(f, g, 0xe9, nop5, sizeof(nop5)) ||
			    swapped(g, f, 0xe9, nop5, sizeof(nop5)))
				return PAGE_JUMP_LABEL_NOP;
		}
		if (back < sizeof(nop2) && i - back + sizeof(nop2) <= len &&
		    (swapped(f, g, 0xeb, nop2, sizeof(nop2)) ||
		     swapped(g, f, 0xeb, nop2, sizeof(nop2))))
			return PAGE_JUMP_LABEL_NOP;
	}
	return PAGE_OTHER;
}

static enum page_kind byte_kind(const struct page_sites *sites, struct cursors *c, uint64_t offset,
				const uint8_t *file, const uint8_t *guest, size_t len, size_t i)
{
	if (holds(&sites->spans[PAGE_INIT_FREED], &c->at[PAGE_INIT_FREED], offset + i))
		return PAGE_INIT_FREED;
	if (holds(&sites->spans[PAGE_DATA], &c->at[PAGE_DATA], offset + i))
		return PAGE_DATA;
	if (file[i] == 0xf0 && guest[i] == 0x3e)
		return PAGE_LOCK_TO_DS;
	for (int k = PAGE_RETPOLINE; k <= PAGE_ALTERNATIVE; k++)
		if (holds(&sites->spans[k], &c->at[k], offset + i))
			return (enum page_kind)k;
	return pattern_kind(file, guest, len, i);
}

void page_kind_classify(const struct page_sites *sites, uint64_t offset, const uint8_t *file,
			const uint8_t *guest, size_t len, struct page_verdict *verdict)
{
	struct cursors c;
	int kinds = 0;

	memset(verdict, 0, sizeof(*verdict));
	verdict->kind = PAGE_UNCHANGED;
	if (memcmp(file, guest, len) == 0)
		return;
	for (int k = 0; k < PAGE_KINDS; k++)
		c.at[k] = first_ending_after(&sites->spans[k], offset);
	for (size_t i = 0; i < len; i++) {
		enum page_kind k;

		if (file[i] == guest[i])
			continue;
		k = byte_kind(sites, &c, offset, file, guest, len, i);
		if (verdict->bytes[k]++ == 0) {
			kinds++;
			verdict->kind = k;
		}
		verdict->diff_bytes++;
	}
	if (kinds > 1)
		verdict->kind = PAGE_MIXED;
}
