// SPDX-License-Identifier: MIT
/* The mmap loader's page arithmetic, and every strategy placing real file
 * extents: the guest must see the same bytes whichever loader ran; and
 * mmap-populate's page tables filled with the file's own pages. */
#include "../support/test_main.h"

#include "../support/elf_fixture.h"
#include "load_plan.h"
#include "loader_ops.h"
#include "log.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PAGE 0x1000ULL

static void aligned_extent_maps_every_page(void **state)
{
	const struct file_extent ext = { 0x100000, 0x2000, 4 * PAGE, 4 * PAGE };
	struct load_plan plan;

	(void)state;
	load_plan_compute(&ext, PAGE, &plan);
	assert_int_equal(plan.map.gpa, 0x100000);
	assert_int_equal(plan.map.file_offset, 0x2000);
	assert_int_equal(plan.map.len, 4 * PAGE);
	assert_int_equal(plan.head_copy.len, 0);
	assert_int_equal(plan.tail_copy.len, 0);
	assert_int_equal(plan.zero_len, 0);
}

static void incongruent_offset_copies_everything(void **state)
{
	const struct file_extent ext = { 0x100000, 0x2010, 4 * PAGE, 4 * PAGE };
	struct load_plan plan;

	(void)state;
	load_plan_compute(&ext, PAGE, &plan);
	assert_int_equal(plan.map.len, 0);
	assert_int_equal(plan.head_copy.gpa, 0x100000);
	assert_int_equal(plan.head_copy.file_offset, 0x2010);
	assert_int_equal(plan.head_copy.len, 4 * PAGE);
}

static void unaligned_congruent_extent_copies_head_and_tail(void **state)
{
	/* Starts 0x800 into a page, ends 0x400 into one: 2 whole pages between. */
	const struct file_extent ext = { 0x100800, 0x2800, 0x2c00, 0x2c00 };
	struct load_plan plan;

	(void)state;
	load_plan_compute(&ext, PAGE, &plan);
	assert_int_equal(plan.head_copy.gpa, 0x100800);
	assert_int_equal(plan.head_copy.len, 0x800);
	assert_int_equal(plan.map.gpa, 0x101000);
	assert_int_equal(plan.map.file_offset, 0x3000);
	assert_int_equal(plan.map.len, 2 * PAGE);
	assert_int_equal(plan.tail_copy.gpa, 0x103000);
	assert_int_equal(plan.tail_copy.file_offset, 0x5000);
	assert_int_equal(plan.tail_copy.len, 0x400);
}

static void bss_tail_is_left_to_zeroed_ram(void **state)
{
	const struct file_extent ext = { 0x100000, 0x1000, 0x1800, 0x5000 };
	struct load_plan plan;

	(void)state;
	load_plan_compute(&ext, PAGE, &plan);
	assert_int_equal(plan.map.len, PAGE);
	assert_int_equal(plan.tail_copy.gpa, 0x101000);
	assert_int_equal(plan.tail_copy.len, 0x800); /* the partial last file page */
	assert_int_equal(plan.zero_len, 0x5000 - 0x1800);
}

static void extent_inside_one_page_is_copied(void **state)
{
	const struct file_extent ext = { 0x100100, 0x1100, 0x200, 0x200 };
	struct load_plan plan;

	(void)state;
	load_plan_compute(&ext, PAGE, &plan);
	assert_int_equal(plan.map.len, 0);
	assert_int_equal(plan.head_copy.len, 0x200);
	assert_int_equal(plan.tail_copy.len, 0);
}

/* Places an extent of a pattern file with a strategy and checks every byte
 * the guest would see, including the zero fill. */
static void place_and_check(const struct loader_ops *ops, const struct file_extent *ext,
			    struct load_stats *stats)
{
	struct guest_mem mem;
	int fd = pattern_file_fd(0x10000);
	const uint8_t *guest;

	assert_true(fd >= 0);
	assert_int_equal(guest_mem_alloc(&mem, 4 << 20), 0);
	memset(stats, 0, sizeof(*stats));
	assert_int_equal(ops->place_extent(&mem, fd, "pattern", ext, stats), 0);
	guest = mem.host + ext->gpa;
	for (uint64_t i = 0; i < ext->file_size; i++)
		assert_int_equal(guest[i], fixture_byte(ext->file_offset + i));
	for (uint64_t i = ext->file_size; i < ext->mem_size; i++)
		assert_int_equal(guest[i], 0);
	assert_int_equal(stats->bytes_mapped + stats->bytes_copied, ext->file_size);
	guest_mem_free(&mem);
	close(fd);
}

static void both_loaders_place_the_same_bytes(void **state)
{
	const struct file_extent extents[] = {
		{ 0x100000, 0x2000, 0x4000, 0x4000 }, /* aligned */
		{ 0x100800, 0x2800, 0x2c00, 0x6000 }, /* head, tail and bss */
		{ 0x100000, 0x2010, 0x3000, 0x3000 }, /* incongruent */
	};
	struct load_stats copy_stats, mmap_stats;

	(void)state;
	for (size_t i = 0; i < sizeof(extents) / sizeof(extents[0]); i++) {
		place_and_check(&copy_loader, &extents[i], &copy_stats);
		place_and_check(&mmap_loader, &extents[i], &mmap_stats);
		place_and_check(&ksm_loader, &extents[i], &copy_stats);
		place_and_check(&mmap_populate_loader, &extents[i], &mmap_stats);
		assert_int_equal(copy_stats.bytes_mapped, 0);
	}
	/* The last extent was incongruent: nothing could be mapped. */
	assert_int_equal(mmap_stats.bytes_mapped, 0);
}

static void mmap_loader_maps_whole_pages(void **state)
{
	const struct file_extent ext = { 0x100800, 0x2800, 0x2c00, 0x6000 };
	struct load_stats stats;

	(void)state;
	place_and_check(&mmap_loader, &ext, &stats);
	assert_int_equal(stats.bytes_mapped, 2 * PAGE);
	assert_int_equal(stats.bytes_copied, 0xc00);
}

#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_FILE_OR_SHARED (1ULL << 61) /* not an anonymous (copied) page */

/* /proc/self/pagemap's entry for the page at addr (readable unprivileged;
 * only the PFN is hidden). */
static uint64_t pagemap_entry(const void *addr)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &entry, sizeof(entry),
			       (off_t)((uintptr_t)addr / (uintptr_t)sysconf(_SC_PAGESIZE) * 8)),
			 sizeof(entry));
	close(fd);
	return entry;
}

/* The mapped pages of an aligned extent, right after placing: mmap leaves
 * them for the guest's first touch to fault in; mmap-populate has them in
 * the page tables already, as the file's own pages (nothing copied). */
static unsigned int pages_present(const struct loader_ops *ops, unsigned int *file_pages)
{
	const struct file_extent ext = { 0x100000, 0x2000, 8 * PAGE, 8 * PAGE };
	struct load_stats stats = { 0 };
	struct guest_mem mem;
	int fd = pattern_file_fd(0x10000);
	unsigned int present = 0;

	assert_true(fd >= 0);
	assert_int_equal(guest_mem_alloc(&mem, 4 << 20), 0);
	assert_int_equal(ops->place_extent(&mem, fd, "pattern", &ext, &stats), 0);
	assert_int_equal(stats.bytes_mapped, 8 * PAGE);
	*file_pages = 0;
	for (uint64_t off = 0; off < ext.file_size; off += PAGE) {
		uint64_t entry = pagemap_entry(mem.host + ext.gpa + off);

		present += (entry & PAGEMAP_PRESENT) != 0;
		*file_pages += (entry & PAGEMAP_PRESENT) && (entry & PAGEMAP_FILE_OR_SHARED);
	}
	guest_mem_free(&mem);
	close(fd);
	return present;
}

static void populate_fills_page_tables_without_copying(void **state)
{
	unsigned int file_pages;

	(void)state;
	assert_int_equal(pages_present(&mmap_loader, &file_pages), 0);
	assert_int_equal(pages_present(&mmap_populate_loader, &file_pages), 8);
	assert_int_equal(file_pages, 8);
}

/* "mg" in the VmFlags of the mapping that holds addr (/proc/self/smaps):
 * ksmd may merge its pages. */
static int vma_mergeable(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in_vma = 0, mergeable = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		char perms[5];

		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) == 3)
			in_vma = (uintptr_t)addr >= start && (uintptr_t)addr < end;
		else if (in_vma && strncmp(line, "VmFlags:", 8) == 0)
			mergeable = strstr(line, " mg") != NULL;
	}
	fclose(f);
	return mergeable;
}

/* mmap-ksm maps the file like mmap (nothing copied) and marks the mapping
 * mergeable, so ksmd can merge the pages guests copy on write; mmap alone
 * does not mark it. */
static void mmap_ksm_maps_and_marks_mergeable(void **state)
{
	const struct file_extent ext = { 0x100000, 0x2000, 8 * PAGE, 8 * PAGE };
	const struct loader_ops *ops[] = { &mmap_loader, &mmap_ksm_loader };
	int fd = pattern_file_fd(0x10000);

	(void)state;
	if (access("/sys/kernel/mm/ksm/run", F_OK) != 0) {
		printf("# skipped: this kernel has no KSM (/sys/kernel/mm/ksm)\n");
		close(fd);
		skip();
	}
	assert_true(fd >= 0);
	for (int i = 0; i < 2; i++) {
		struct load_stats stats = { 0 };
		struct guest_mem mem;

		assert_int_equal(guest_mem_alloc(&mem, 4 << 20), 0);
		assert_int_equal(ops[i]->place_extent(&mem, fd, "pattern", &ext, &stats), 0);
		assert_int_equal(stats.bytes_mapped, 8 * PAGE);
		assert_int_equal(stats.bytes_copied, 0);
		assert_int_equal(vma_mergeable(mem.host + ext.gpa), i == 1);
		guest_mem_free(&mem);
	}
	close(fd);
}

static void loaders_are_found_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(loader_find("copy"), &copy_loader);
	assert_ptr_equal(loader_find("mmap"), &mmap_loader);
	assert_ptr_equal(loader_find("ksm"), &ksm_loader);
	assert_ptr_equal(loader_find("mmap-populate"), &mmap_populate_loader);
	assert_ptr_equal(loader_find("mmap-ksm"), &mmap_ksm_loader);
	assert_null(loader_find("bogus"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aligned_extent_maps_every_page),
		cmocka_unit_test(incongruent_offset_copies_everything),
		cmocka_unit_test(unaligned_congruent_extent_copies_head_and_tail),
		cmocka_unit_test(bss_tail_is_left_to_zeroed_ram),
		cmocka_unit_test(extent_inside_one_page_is_copied),
		cmocka_unit_test(both_loaders_place_the_same_bytes),
		cmocka_unit_test(mmap_loader_maps_whole_pages),
		cmocka_unit_test(populate_fills_page_tables_without_copying),
		cmocka_unit_test(mmap_ksm_maps_and_marks_mergeable),
		cmocka_unit_test(loaders_are_found_by_name),
	};

	log_set_program("test_loaders");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
