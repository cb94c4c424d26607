// SPDX-License-Identifier: MIT
/*
 * sharemap_scan with page kinds, on this process: it maps a small kernel
 * ELF MAP_PRIVATE as the mmap loader does, writes some of its pages the way
 * a guest would, and scans itself (its own /proc/self/mem is readable).
 */
#include "../support/test_main.h"

#include "../support/section_elf.h"
#include "../support/spawn.h"
#include "page_sites.h"
#include "sharemap.h"

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096
#define VADDR 0xffffffff81000000ULL
#define OFFSET 0x1000ULL
#define SEGMENT 0x4000ULL

static const struct section_spec sections[] = {
	{ ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, VADDR, 0x2000 },
	{ ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, VADDR + 0x2000, 0x1000 },
	{ ".init.text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, VADDR + 0x3000, 0x800 },
	{ ".return_sites", SHT_PROGBITS, SHF_ALLOC, VADDR + 0x3800, 4 },
};

struct fixture {
	const char *path;
	struct share_region *regions;
	size_t nr;
	struct page_sites sites;
	uint8_t *map; /* the whole file, MAP_PRIVATE */
	size_t size;
};

static struct fixture fx;

static int setup(void **state)
{
	static uint8_t segment[SEGMENT];
	const struct section_elf elf = { VADDR, OFFSET, SEGMENT, segment, sections, 4, NULL, 0 };
	int32_t rel = (int32_t)(int64_t)(VADDR + 0x100 - (VADDR + 0x3800));
	struct stat st;
	int fd;

	(void)state;
	memset(segment, 0x90, sizeof(segment));
	memcpy(segment + 0x100, "\xe9\x00\x00\x00\x00", 5); /* jmp __x86_return_thunk */
	memcpy(segment + 0x3800, &rel, sizeof(rel));
	fx.path = test_path("kinds.elf");
	if (section_elf_write(&elf, fx.path) ||
	    sharemap_elf_regions(fx.path, &fx.regions, &fx.nr) ||
	    page_sites_from_elf(fx.path, &fx.sites))
		return -1;
	fd = open(fx.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return -1;
	fx.size = (size_t)st.st_size;
	fx.map = mmap(NULL, fx.size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	return fx.map == MAP_FAILED ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(fx.map, fx.size);
	page_sites_free(&fx.sites);
	free(fx.regions);
	return 0;
}

static const struct share_counts *region(const struct share_counts *counts, const char *name)
{
	for (size_t i = 0; i < fx.nr; i++)
		if (strcmp(fx.regions[i].name, name) == 0)
			return &counts[i];
	fail_msg("no region %s", name);
	return NULL;
}

struct seen {
	unsigned pages;
	uint64_t offsets[8];
	enum page_kind kinds[8];
};

static void on_page(void *arg, size_t r, uint64_t offset, const struct page_verdict *v)
{
	struct seen *seen = arg;

	(void)r;
	if (seen->pages < 8) {
		seen->offsets[seen->pages] = offset;
		seen->kinds[seen->pages] = v->kind;
	}
	seen->pages++;
}

/* Each written page is counted under why it was written. */
static void copied_pages_are_counted_by_kind(void **state)
{
	struct share_counts counts[8];
	struct seen seen = { 0 };
	struct share_scan scan = { &fx.sites, on_page, &seen };
	volatile uint8_t *text = fx.map + OFFSET;
	uint8_t same;

	(void)state;
	assert_true(fx.nr <= 8);
	memcpy(fx.map + OFFSET + 0x100, "\xc3\xcc\xcc\xcc\xcc", 5); /* return thunk patched */
	same = text[0x1000 + 7];
	text[0x1000 + 7] = same;	      /* copied, unchanged */
	fx.map[OFFSET + 0x2000 + 64] ^= 0xff; /* .data */
	fx.map[OFFSET + 0x3000 + 9] = 0xcc;   /* .init.text, freed */
	assert_true(sharemap_scan(getpid(), fx.path, fx.regions, fx.nr, &scan, counts) >= 1);

	const struct share_counts *t = region(counts, ".text"), *d = region(counts, ".data"),
				  *i = region(counts, ".init.text");
	assert_int_equal(t->copied, 2);
	assert_int_equal(t->kinds[PAGE_RETURN_THUNK], 1);
	assert_int_equal(t->kinds[PAGE_UNCHANGED], 1);
	assert_int_equal(d->copied, 1);
	assert_int_equal(d->kinds[PAGE_DATA], 1);
	assert_int_equal(i->copied, 1);
	assert_int_equal(i->kinds[PAGE_INIT_FREED], 1);
	assert_int_equal(t->other_bytes + d->other_bytes + i->other_bytes, 0);
	/* One call per copied page, in file order, with its file offset. */
	assert_int_equal(seen.pages, 4);
	assert_int_equal(seen.offsets[0], OFFSET);
	assert_int_equal(seen.kinds[0], PAGE_RETURN_THUNK);
	assert_int_equal(seen.offsets[3], OFFSET + 0x3000);
	assert_int_equal(seen.kinds[3], PAGE_INIT_FREED);
}

/* Without a scan the counts stay what they were: no kinds, no reads. */
static void no_scan_counts_no_kinds(void **state)
{
	struct share_counts counts[8];

	(void)state;
	fx.map[OFFSET + 0x2000 + 65] ^= 0xff;
	assert_true(sharemap_scan(getpid(), fx.path, fx.regions, fx.nr, NULL, counts) >= 1);
	assert_int_equal(region(counts, ".data")->copied, 1);
	for (int k = 0; k < PAGE_KINDS; k++)
		assert_int_equal(region(counts, ".data")->kinds[k], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copied_pages_are_counted_by_kind),
		cmocka_unit_test(no_scan_counts_no_kinds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
