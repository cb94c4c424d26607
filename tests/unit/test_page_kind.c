// SPDX-License-Identifier: MIT
/*
 * Why a copied page was written: synthetic file and guest pages classified
 * against hand-made spans, and the spans read from a small ELF with the
 * patch-site tables of a vmlinux.
 */
#include "../support/test_main.h"

#include "../support/section_elf.h"
#include "page_kind.h"
#include "page_sites.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096
#define AT 0x10000ULL /* the page's file offset in the classifier tests */

static uint8_t file_page[PAGE], guest_page[PAGE];

/* A page of varied bytes, none of them 0xf0, and the guest's equal copy. */
static void fresh_pages(void)
{
	for (size_t i = 0; i < PAGE; i++)
		file_page[i] = (uint8_t)(i * 13 % 0xef);
	memcpy(guest_page, file_page, PAGE);
}

static void classify(const struct page_sites *sites, struct page_verdict *v)
{
	page_kind_classify(sites, AT, file_page, guest_page, PAGE, v);
}

static void identical_page_is_unchanged(void **state)
{
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	fresh_pages();
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_UNCHANGED);
	assert_int_equal(v.diff_bytes, 0);
	assert_string_equal(page_kind_name(v.kind), "unchanged");
}

static void lock_prefixes_turned_ds_are_lock_to_ds(void **state)
{
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	fresh_pages();
	for (size_t i = 100; i < 4000; i += 700) {
		file_page[i] = 0xf0;
		guest_page[i] = 0x3e;
	}
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_LOCK_TO_DS);
	assert_int_equal(v.diff_bytes, 6);
	assert_int_equal(v.bytes[PAGE_LOCK_TO_DS], 6);
	/* 0xf0 into anything but DS is not the unlock. */
	guest_page[100] = 0x3f;
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.bytes[PAGE_LOCK_TO_DS], 5);
	assert_int_equal(v.bytes[PAGE_OTHER], 1);
}

static void change_at_a_return_site_is_return_thunk(void **state)
{
	struct span site = { AT + 0x100, AT + 0x105 };
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	sites.spans[PAGE_RETURN_THUNK] = (struct span_list){ &site, 1 };
	fresh_pages();
	/* jmp __x86_return_thunk patched into ret; int3 x 4 */
	memcpy(guest_page + 0x100, "\xc3\xcc\xcc\xcc\xcc", 5);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_RETURN_THUNK);
	assert_int_equal(v.bytes[PAGE_RETURN_THUNK], 5);
	/* One byte past the site is no longer the site's. */
	guest_page[0x105] ^= 0xff;
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.bytes[PAGE_OTHER], 1);
	assert_int_equal(v.bytes[PAGE_RETURN_THUNK], 5);
}

static void change_in_a_data_section_is_data(void **state)
{
	struct span data = { AT - PAGE, AT + 2 * PAGE };
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	sites.spans[PAGE_DATA] = (struct span_list){ &data, 1 };
	fresh_pages();
	memset(guest_page + 8, 0, 1000);
	guest_page[3000] = 0x3e; /* and a DS where a data byte was 0xf0: still data */
	file_page[3000] = 0xf0;
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_DATA);
	assert_int_equal(v.diff_bytes, v.bytes[PAGE_DATA]);
	assert_true(v.diff_bytes > 900);
}

static void init_memory_outranks_data(void **state)
{
	struct span init = { AT + 0x800, AT + PAGE }, data = { AT, AT + PAGE };
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	sites.spans[PAGE_INIT_FREED] = (struct span_list){ &init, 1 };
	sites.spans[PAGE_DATA] = (struct span_list){ &data, 1 };
	fresh_pages();
	memset(guest_page + 0x800, 0xcc, 0x800); /* poisoned on free */
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_INIT_FREED);
	guest_page[0x7ff] ^= 1;
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.bytes[PAGE_DATA], 1);
}

static void unrelated_change_is_other_and_counted(void **state)
{
	struct span site = { AT + 0x100, AT + 0x105 };
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	sites.spans[PAGE_RETPOLINE] = (struct span_list){ &site, 1 };
	fresh_pages();
	for (size_t i = 0x200; i < 0x210; i++)
		guest_page[i] ^= 0x55;
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_OTHER);
	assert_int_equal(v.diff_bytes, 16);
	assert_int_equal(v.bytes[PAGE_OTHER], 16);
}

static void several_kinds_make_mixed(void **state)
{
	struct span ret = { AT + 0x100, AT + 0x105 };
	struct span alt = { AT + 0x300, AT + 0x308 };
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	sites.spans[PAGE_RETURN_THUNK] = (struct span_list){ &ret, 1 };
	sites.spans[PAGE_ALTERNATIVE] = (struct span_list){ &alt, 1 };
	fresh_pages();
	file_page[0x50] = 0xf0;
	guest_page[0x50] = 0x3e;
	guest_page[0x101] ^= 1;
	guest_page[0x300] ^= 1;
	guest_page[0x307] ^= 1;
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.diff_bytes, 4);
	assert_int_equal(v.bytes[PAGE_LOCK_TO_DS], 1);
	assert_int_equal(v.bytes[PAGE_RETURN_THUNK], 1);
	assert_int_equal(v.bytes[PAGE_ALTERNATIVE], 2);
	assert_string_equal(page_kind_name(v.kind), "mixed");
}

/* Spans before, across and after the page: only those over it count, even
 * one that starts on the previous page. */
static void spans_are_found_across_the_page(void **state)
{
	struct span alts[40];
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	for (int i = 0; i < 40; i++) /* 8 bytes every 512, from 2 pages before */
		alts[i] = (struct span){ AT - 2 * PAGE + 512ULL * (uint64_t)i - 3,
					 AT - 2 * PAGE + 512ULL * (uint64_t)i + 5 };
	sites.spans[PAGE_ALTERNATIVE] = (struct span_list){ alts, 40 };
	fresh_pages();
	guest_page[0] ^= 1;	   /* in the span at AT - 3 */
	guest_page[4] ^= 1;	   /* its last byte */
	guest_page[512 + 4] ^= 1;  /* the next one's */
	guest_page[PAGE - 3] ^= 1; /* the span from the page's end */
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_ALTERNATIVE);
	assert_int_equal(v.bytes[PAGE_ALTERNATIVE], 4);
	guest_page[5] ^= 1; /* just past it */
	classify(&sites, &v);
	assert_int_equal(v.bytes[PAGE_OTHER], 1);
}

#define NOP5 "\x0f\x1f\x44\x00\x00"

/* ftrace_init's work: call __fentry__ (e8 rel32) made x86_nops[5]. */
static void fentry_call_turned_nop5_is_ftrace_nop(void **state)
{
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	fresh_pages();
	memcpy(file_page + 0x400, "\xe8\x2b\xb7\xa6\xff", 5);
	memcpy(guest_page + 0x400, NOP5, 5);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_FTRACE_NOP);
	assert_int_equal(v.diff_bytes, 5);
	assert_int_equal(v.bytes[PAGE_FTRACE_NOP], 5);
	assert_string_equal(page_kind_name(v.kind), "ftrace_nop");
	/* A rel32 that shares the NOP's middle: the last byte differs alone,
	 * 4 bytes after the call's start; and a call at the page's start. */
	fresh_pages();
	memcpy(file_page + 0x400, "\xe8\x1f\x44\x00\x07", 5);
	memcpy(guest_page + 0x400, NOP5, 5);
	memcpy(file_page, "\xe8\x10\x20\x30\x40", 5);
	memcpy(guest_page, NOP5, 5);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_FTRACE_NOP);
	assert_int_equal(v.diff_bytes, 7);
	assert_int_equal(v.bytes[PAGE_FTRACE_NOP], 7);
}

/* Only e8 rel32 into exactly 0f 1f 44 00 00, and only its 5 bytes. */
static void call_into_another_nop_is_other(void **state)
{
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	fresh_pages();
	memcpy(file_page + 0x400, "\xe8\x2b\xb7\x06\x10", 5);
	memcpy(guest_page + 0x400, "\x0f\x1f\x44\x00\x01", 5); /* not a NOP5 */
	memcpy(file_page + 0x500, "\xe8\x2b\xb7\x06\x10", 5);
	memcpy(guest_page + 0x500, "\x3e\x8d\x74\x26\x00", 5); /* i386's NOP5 */
	memcpy(file_page + 0x600, "\xe7\x2b\xb7\x06\x10", 5);  /* no call */
	memcpy(guest_page + 0x600, NOP5, 5);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_OTHER);
	assert_int_equal(v.diff_bytes, 15);
	assert_int_equal(v.bytes[PAGE_OTHER], 15);
	/* A real one, and the byte just past it: 5 ftrace_nop, 1 other. */
	fresh_pages();
	memcpy(file_page + 0x400, "\xe8\x2b\xb7\x06\x10", 5);
	memcpy(guest_page + 0x400, NOP5, 5);
	guest_page[0x405] ^= 0x40;
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.bytes[PAGE_FTRACE_NOP], 5);
	assert_int_equal(v.bytes[PAGE_OTHER], 1);
	/* A call cut by the page's end cannot be seen whole: other. */
	fresh_pages();
	memcpy(file_page + PAGE - 3, "\xe8\x2b\xb7", 3);
	memcpy(guest_page + PAGE - 3, NOP5, 3);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_OTHER);
	assert_int_equal(v.bytes[PAGE_OTHER], 3);
}

/* jump_label_init's work: jmp rel32 <-> NOP5, jmp rel8 <-> 66 90. */
static void jumps_turned_nops_are_jump_label_nop(void **state)
{
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	fresh_pages();
	memcpy(file_page + 0x200, "\xe9\x81\x92\x03\xff", 5);
	memcpy(guest_page + 0x200, NOP5, 5);
	memcpy(file_page + 0x300, NOP5, 5);
	memcpy(guest_page + 0x300, "\xe9\x81\x92\x03\xff", 5);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_JUMP_LABEL_NOP);
	assert_int_equal(v.diff_bytes, 10);
	assert_int_equal(v.bytes[PAGE_JUMP_LABEL_NOP], 10);
	assert_string_equal(page_kind_name(v.kind), "jump_label_nop");
	fresh_pages();
	memcpy(file_page + 0x200, "\xeb\x10", 2);
	memcpy(guest_page + 0x200, "\x66\x90", 2);
	memcpy(file_page + 0x300, "\x66\x90", 2);
	memcpy(guest_page + 0x300, "\xeb\x05", 2);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_JUMP_LABEL_NOP);
	assert_int_equal(v.bytes[PAGE_JUMP_LABEL_NOP], 4);
	/* Past the 2 bytes, or into another 2-byte NOP: other. */
	guest_page[0x202] ^= 0x40;
	memcpy(file_page + 0x400, "\xeb\x10", 2);
	memcpy(guest_page + 0x400, "\x89\xf6", 2); /* i386's NOP2 */
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.bytes[PAGE_JUMP_LABEL_NOP], 4);
	assert_int_equal(v.bytes[PAGE_OTHER], 3);
}

/* A site table outranks a pattern, byte by byte; so do data and init. */
static void site_tables_outrank_the_patterns(void **state)
{
	struct span ret = { AT + 0x400, AT + 0x403 }, data = { AT + 0x800, AT + 0x900 };
	struct page_sites sites = { 0 };
	struct page_verdict v;

	(void)state;
	sites.spans[PAGE_RETURN_THUNK] = (struct span_list){ &ret, 1 };
	sites.spans[PAGE_DATA] = (struct span_list){ &data, 1 };
	fresh_pages();
	memcpy(file_page + 0x400, "\xe8\x2b\xb7\x06\x10", 5);
	memcpy(guest_page + 0x400, NOP5, 5);
	memcpy(file_page + 0x800, "\xe9\x2b\xb7\x06\x10", 5);
	memcpy(guest_page + 0x800, NOP5, 5);
	classify(&sites, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.diff_bytes, 10);
	assert_int_equal(v.bytes[PAGE_RETURN_THUNK], 3);
	assert_int_equal(v.bytes[PAGE_FTRACE_NOP], 2);
	assert_int_equal(v.bytes[PAGE_DATA], 5);
	assert_int_equal(v.bytes[PAGE_JUMP_LABEL_NOP], 0);
}

/* A vmlinux in miniature: one PT_LOAD at VADDR, file offset OFFSET. */
#define VADDR 0xffffffff81000000ULL
#define OFFSET 0x1000ULL
#define SEGMENT 0x3400ULL
#define FO(addr) ((addr)-VADDR + OFFSET) /* file offset of a vaddr */

static uint8_t segment[SEGMENT];

static void put(uint64_t addr, const void *bytes, size_t n)
{
	memcpy(segment + (addr - VADDR), bytes, n);
}

/* An s32 table entry at entry_addr that points at site. */
static void put_rel(uint64_t entry_addr, uint64_t site)
{
	int32_t rel = (int32_t)(int64_t)(site - entry_addr);

	put(entry_addr, &rel, sizeof(rel));
}

static void put_alt(uint64_t entry_addr, uint64_t site, uint8_t instrlen)
{
	uint8_t len[2] = { instrlen, 0 };

	put_rel(entry_addr, site);
	put(entry_addr + 10, len, 2);
}

static const struct section_spec sections[] = {
	{ ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, VADDR, 0x1000 },
	{ ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, VADDR + 0x1000, 0x800 },
	{ ".rodata", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x1800, 0x100 },
	{ ".init.text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, VADDR + 0x2000, 0x200 },
	{ ".retpoline_sites", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x2200, 12 },
	{ ".return_sites", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x2210, 4 },
	{ ".altinstructions", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x2220, 24 },
	{ ".parainstructions", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x2240, 16 },
	{ "__jump_table", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, VADDR + 0x2260, 32 },
	{ ".static_call_sites", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x2280, 8 },
	{ ".ibt_endbr_seal", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x2290, 4 },
	{ ".hot", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, VADDR + 0x2300, 0x100 },
	{ ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, VADDR + 0x3000, 0x400 },
};

static void fill_segment(void)
{
	const uint64_t para = VADDR + 0x500;

	memset(segment, 0x90, sizeof(segment));
	put(VADDR + 0x100, "\xe8\x00\x00\x00\x00", 5);	   /* call thunk */
	put(VADDR + 0x200, "\x0f\x85\x00\x00\x00\x00", 6); /* jne thunk */
	put(VADDR + 0x300, "\xe9\x00\x00\x00\x00", 5);	   /* jmp return thunk */
	put(VADDR + 0x600, "\xeb\x00", 2);		   /* jump label, jmp8 */
	put(VADDR + 0x700, "\x0f\x1f\x44\x00\x00", 5);	   /* jump label, nop5 */
	put(VADDR + 0x800, "\x0f\x84\x00\x00\x00\x00", 6); /* static call, je */
	put_rel(VADDR + 0x2200, VADDR + 0x100);
	put_rel(VADDR + 0x2204, VADDR + 0x200);
	put_rel(VADDR + 0x2208, VADDR + 0x10000); /* past the file: skipped */
	put_rel(VADDR + 0x2210, VADDR + 0x300);
	put_alt(VADDR + 0x2220, VADDR + 0x400, 5);
	put_alt(VADDR + 0x222c, VADDR + 0x402, 6); /* overlaps: merged */
	put(VADDR + 0x2240, &para, sizeof(para));
	put(VADDR + 0x2249, "\x06", 1); /* paravirt_patch_site.len */
	put_rel(VADDR + 0x2260, VADDR + 0x600);
	put_rel(VADDR + 0x2270, VADDR + 0x700);
	put_rel(VADDR + 0x2280, VADDR + 0x800);
	put_rel(VADDR + 0x2290, VADDR + 0x900);
}

static int read_sites(const struct symbol_spec *symbols, unsigned nr_symbols,
		      struct page_sites *sites)
{
	const struct section_elf elf = { VADDR,	  OFFSET,    SEGMENT,
					 segment, sections,  sizeof(sections) / sizeof(sections[0]),
					 symbols, nr_symbols };
	char path[64];
	int fd, ret;

	fill_segment();
	fd = section_elf_fd(&elf);
	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = page_sites_from_elf(path, sites);
	close(fd);
	return ret;
}

static void expect_spans(const struct page_sites *sites, enum page_kind kind,
			 const struct span *want, size_t n)
{
	const struct span_list *got = &sites->spans[kind];

	if (got->nr != n)
		fail_msg("%s: %zu spans, wanted %zu", page_kind_name(kind), got->nr, n);
	for (size_t i = 0; i < n; i++)
		if (got->spans[i].start != want[i].start || got->spans[i].end != want[i].end)
			fail_msg("%s span %zu: [%#llx, %#llx), wanted [%#llx, %#llx)",
				 page_kind_name(kind), i, (unsigned long long)got->spans[i].start,
				 (unsigned long long)got->spans[i].end,
				 (unsigned long long)want[i].start,
				 (unsigned long long)want[i].end);
}

static void site_tables_give_the_call_sites(void **state)
{
	const struct span retpolines[] = { { FO(VADDR + 0x100), FO(VADDR + 0x105) },
					   { FO(VADDR + 0x200), FO(VADDR + 0x206) } };
	const struct span returns[] = { { FO(VADDR + 0x300), FO(VADDR + 0x305) } };
	const struct span alts[] = { { FO(VADDR + 0x400), FO(VADDR + 0x408) } };
	const struct span para[] = { { FO(VADDR + 0x500), FO(VADDR + 0x506) } };
	const struct span jumps[] = { { FO(VADDR + 0x600), FO(VADDR + 0x602) },
				      { FO(VADDR + 0x700), FO(VADDR + 0x705) } };
	const struct span calls[] = { { FO(VADDR + 0x800), FO(VADDR + 0x806) } };
	const struct span seals[] = { { FO(VADDR + 0x900), FO(VADDR + 0x904) } };
	struct page_sites sites;

	(void)state;
	assert_int_equal(read_sites(NULL, 0, &sites), 0);
	expect_spans(&sites, PAGE_RETPOLINE, retpolines, 2);
	expect_spans(&sites, PAGE_RETURN_THUNK, returns, 1);
	expect_spans(&sites, PAGE_ALTERNATIVE, alts, 1);
	expect_spans(&sites, PAGE_PARAVIRT, para, 1);
	expect_spans(&sites, PAGE_JUMP_LABEL, jumps, 2);
	expect_spans(&sites, PAGE_STATIC_CALL, calls, 1);
	expect_spans(&sites, PAGE_IBT_SEAL, seals, 1);
	page_sites_free(&sites);
}

static void sections_give_init_and_data(void **state)
{
	/* .init.text and the tables freed with it, by name; .data, .rodata
	 * and __jump_table with .static_call_sites (touching: merged); .bss. */
	const struct span init[] = { { FO(VADDR + 0x2000), FO(VADDR + 0x220c) },
				     { FO(VADDR + 0x2210), FO(VADDR + 0x2214) },
				     { FO(VADDR + 0x2220), FO(VADDR + 0x2238) },
				     { FO(VADDR + 0x2240), FO(VADDR + 0x2250) },
				     { FO(VADDR + 0x2290), FO(VADDR + 0x2294) } };
	const struct span data[] = { { FO(VADDR + 0x1000), FO(VADDR + 0x1900) },
				     { FO(VADDR + 0x2260), FO(VADDR + 0x2288) },
				     { FO(VADDR + 0x3000), FO(VADDR + 0x3400) } };
	struct page_sites sites;

	(void)state;
	assert_int_equal(read_sites(NULL, 0, &sites), 0);
	expect_spans(&sites, PAGE_INIT_FREED, init, 5);
	expect_spans(&sites, PAGE_DATA, data, 3);
	page_sites_free(&sites);
}

static void init_symbols_take_in_more_sections(void **state)
{
	const struct symbol_spec symbols[] = { { "__init_begin", VADDR + 0x2300 },
					       { "__init_end", VADDR + 0x2400 } };
	struct page_sites sites;
	struct span_list *init = &sites.spans[PAGE_INIT_FREED];

	(void)state;
	assert_int_equal(read_sites(symbols, 2, &sites), 0);
	/* .hot lies between the symbols: init as well as the named ones. */
	assert_int_equal(init->nr, 6);
	assert_int_equal(init->spans[5].start, FO(VADDR + 0x2300));
	assert_int_equal(init->spans[5].end, FO(VADDR + 0x2400));
	page_sites_free(&sites);
	assert_int_equal(read_sites(NULL, 0, &sites), 0);
	assert_int_equal(init->nr, 5);
	page_sites_free(&sites);
}

/* The parsed spans and the classifier together: the .text page with its
 * return site patched and a LOCK unlocked. */
static void parsed_sites_classify_a_text_page(void **state)
{
	struct page_sites sites;
	struct page_verdict v;
	uint8_t guest[PAGE];

	(void)state;
	assert_int_equal(read_sites(NULL, 0, &sites), 0);
	memcpy(guest, segment, PAGE);
	memcpy(guest + 0x300, "\xc3\xcc\xcc\xcc\xcc", 5);
	page_kind_classify(&sites, OFFSET, segment, guest, PAGE, &v);
	assert_int_equal(v.kind, PAGE_RETURN_THUNK);
	guest[0x600] = 0xe9; /* a jump label enabled */
	page_kind_classify(&sites, OFFSET, segment, guest, PAGE, &v);
	assert_int_equal(v.kind, PAGE_MIXED);
	assert_int_equal(v.bytes[PAGE_JUMP_LABEL], 1);
	assert_int_equal(v.bytes[PAGE_RETURN_THUNK], 5);
	page_sites_free(&sites);
}

static void a_file_that_is_no_elf_is_refused(void **state)
{
	struct page_sites sites;
	char path[64];
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	fputs("not an ELF at all", f);
	fflush(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fileno(f));
	assert_int_equal(page_sites_from_elf(path, &sites), -1);
	fclose(f);
	assert_int_equal(page_sites_from_elf("/nonexistent/vmlinux", &sites), -1);
}

static void whole_file_is_one_span(void **state)
{
	struct page_sites sites;
	struct page_verdict v;

	(void)state;
	assert_int_equal(page_sites_whole(&sites, PAGE_INIT_FREED, 3 * PAGE), 0);
	fresh_pages();
	guest_page[7] ^= 1;
	page_kind_classify(&sites, PAGE, file_page, guest_page, PAGE, &v);
	assert_int_equal(v.kind, PAGE_INIT_FREED);
	page_kind_classify(&sites, 3 * PAGE, file_page, guest_page, PAGE, &v);
	assert_int_equal(v.kind, PAGE_OTHER); /* past its end */
	page_sites_free(&sites);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identical_page_is_unchanged),
		cmocka_unit_test(lock_prefixes_turned_ds_are_lock_to_ds),
		cmocka_unit_test(change_at_a_return_site_is_return_thunk),
		cmocka_unit_test(change_in_a_data_section_is_data),
		cmocka_unit_test(init_memory_outranks_data),
		cmocka_unit_test(unrelated_change_is_other_and_counted),
		cmocka_unit_test(several_kinds_make_mixed),
		cmocka_unit_test(spans_are_found_across_the_page),
		cmocka_unit_test(fentry_call_turned_nop5_is_ftrace_nop),
		cmocka_unit_test(call_into_another_nop_is_other),
		cmocka_unit_test(jumps_turned_nops_are_jump_label_nop),
		cmocka_unit_test(site_tables_outrank_the_patterns),
		cmocka_unit_test(site_tables_give_the_call_sites),
		cmocka_unit_test(sections_give_init_and_data),
		cmocka_unit_test(init_symbols_take_in_more_sections),
		cmocka_unit_test(parsed_sites_classify_a_text_page),
		cmocka_unit_test(a_file_that_is_no_elf_is_refused),
		cmocka_unit_test(whole_file_is_one_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
