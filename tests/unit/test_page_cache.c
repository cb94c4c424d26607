// SPDX-License-Identifier: MIT
/*
 * The images' page cache (--cache): residency counted with mincore,
 * eviction with posix_fadvise, on real files under build/ (tmpfs keeps its
 * pages whatever fadvise says: there the eviction tests skip). A cold
 * round that leaves pages resident (here: mapped by this process) says so
 * in one line naming the file and the count, and returns the count.
 */
#include "../support/test_main.h"

#include "../support/bzimage_fixture.h"
#include "../support/elf_fixture.h"
#include "../support/spawn.h"
#include "bench_config.h"
#include "image_cache.h"
#include "page_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6
#define FILE_PAGES 64

static size_t page_bytes;

/* A file of pages pages, written and synced (clean, so evictable). */
static const char *make_file(const char *name, size_t pages)
{
	const char *path = test_path(name);
	char *buf = malloc(page_bytes);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_non_null(buf);
	assert_true(fd >= 0);
	for (size_t i = 0; i < pages; i++) {
		memset(buf, (int)(i & 0xff), page_bytes);
		assert_int_equal(write(fd, buf, page_bytes), (ssize_t)page_bytes);
	}
	assert_int_equal(fsync(fd), 0);
	close(fd);
	free(buf);
	return path;
}

static uint64_t resident_of(const char *path)
{
	uint64_t resident, pages;

	assert_int_equal(page_cache_resident(path, &resident, &pages), 0);
	assert_int_equal(pages, FILE_PAGES);
	return resident;
}

/* fadvise(DONTNEED) drops nothing on tmpfs or ramfs: their pages are the files. */
static bool cannot_evict_here(void)
{
	struct statfs fs;

	assert_int_equal(statfs(test_dir(), &fs), 0);
	if (fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC)
		return false;
	print_message("# skipped: %s is on tmpfs, where fadvise cannot evict\n", test_dir());
	return true;
}

static int setup(void **state)
{
	(void)state;
	page_bytes = (size_t)sysconf(_SC_PAGESIZE);
	return 0;
}

static void evicted_file_leaves_the_page_cache(void **state)
{
	const char *path = make_file("evict.img", FILE_PAGES);

	(void)state;
	if (cannot_evict_here())
		skip();
	assert_int_equal(page_cache_load(path), 0);
	assert_int_equal(resident_of(path), FILE_PAGES);
	assert_int_equal(page_cache_evict(path), 0);
	assert_int_equal(resident_of(path), 0);
	/* Counting faults nothing in. */
	assert_int_equal(resident_of(path), 0);
	assert_int_equal(page_cache_load(path), 0);
	assert_int_equal(resident_of(path), FILE_PAGES);
}

/* A page some process maps stays: the count says so. */
static void mapped_pages_stay(void **state)
{
	const char *path = make_file("mapped.img", FILE_PAGES);
	int fd = open(path, O_RDONLY);
	volatile const char *map;
	unsigned sum = 0;

	(void)state;
	if (cannot_evict_here())
		skip();
	assert_true(fd >= 0);
	map = mmap(NULL, FILE_PAGES * page_bytes, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(map != MAP_FAILED);
	for (size_t i = 0; i < 8; i++)
		sum += (unsigned char)map[i * page_bytes];
	assert_int_equal(sum, 28); /* 0 + 1 + ... + 7: the pages are really there */
	assert_int_equal(page_cache_evict(path), 0);
	assert_true(resident_of(path) >= 8);
	munmap((void *)map, FILE_PAGES * page_bytes);
	assert_int_equal(page_cache_evict(path), 0);
	assert_int_equal(resident_of(path), 0);
}

static void bad_files_are_errors(void **state)
{
	uint64_t resident = 1, pages = 1;

	(void)state;
	assert_int_equal(page_cache_resident(test_path("missing.img"), &resident, &pages), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(page_cache_evict(test_path("missing.img")), -1);
	assert_int_equal(page_cache_load(test_path("missing.img")), -1);
	assert_int_equal(page_cache_resident(test_dir(), &resident, &pages), -1);
	make_file("empty.img", 0);
	assert_int_equal(page_cache_resident(test_path("empty.img"), &resident, &pages), 0);
	assert_true(resident == 0 && pages == 0);
}

/* Runs fn with stderr in a file; returns what it said. */
static char *stderr_of(void (*fn)(void *), void *arg)
{
	const char *path = test_path("stderr.txt");
	int saved = dup(STDERR_FILENO), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(saved >= 0 && fd >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	close(fd);
	fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	return slurp(path);
}

struct launch_call {
	struct image_cache *cache;
	struct bench_config *config;
	long long resident;
};

static void before_launch(void *arg)
{
	struct launch_call *call = arg;

	call->resident = image_cache_before_launch(call->cache, call->config);
}

static int count_lines(const char *text)
{
	int lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

/* Cold: everything evicted; what stays (the initrd, mapped here) is
 * counted and named in one warning line. */
static void cold_round_counts_and_names_what_stayed(void **state)
{
	struct bench_config config = { .cache = "cold" };
	struct image_cache cache;
	struct launch_call call = { &cache, &config, -2 };
	volatile const char *map;
	char want[512], *err;
	int fd;

	(void)state;
	if (cannot_evict_here())
		skip();
	config.kernel = make_file("cold-kernel.img", FILE_PAGES);
	config.initrd = make_file("cold-initrd.img", FILE_PAGES);
	assert_int_equal(image_cache_start(&cache, &config), 0);
	assert_int_equal(cache.nr_files, 2);
	assert_int_equal(image_cache_pages(&cache), 2 * FILE_PAGES);
	/* Nothing evicted yet: freshly written files are resident. */
	assert_int_equal(image_cache_resident_at_start(&cache), 2 * FILE_PAGES);

	err = stderr_of(before_launch, &call);
	assert_int_equal(call.resident, 0);
	assert_string_equal(err, "");
	free(err);

	fd = open(config.initrd, O_RDONLY);
	assert_true(fd >= 0);
	map = mmap(NULL, FILE_PAGES * page_bytes, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(map != MAP_FAILED);
	for (size_t i = 0; i < FILE_PAGES; i++)
		(void)map[i * page_bytes];
	err = stderr_of(before_launch, &call);
	assert_int_equal(call.resident, FILE_PAGES);
	snprintf(want, sizeof(want), "%d of %d pages of %s stayed", FILE_PAGES, FILE_PAGES,
		 config.initrd);
	if (count_lines(err) != 1 || !strstr(err, want) || !strstr(err, "--cache cold"))
		fail_msg("wanted one line with '%s', got: %s", want, err);
	free(err);
	assert_int_equal(resident_of(config.kernel), 0);
	munmap((void *)map, FILE_PAGES * page_bytes);
}

/* Warm: the images are read in before the first round, and stay. */
static void warm_start_reads_the_images_in(void **state)
{
	struct bench_config config = { .cache = "warm" };
	struct image_cache cache;
	struct launch_call call = { &cache, &config, -2 };
	char *err;

	(void)state;
	if (cannot_evict_here())
		skip();
	config.kernel = make_file("warm-kernel.img", FILE_PAGES);
	assert_int_equal(page_cache_evict(config.kernel), 0);
	assert_int_equal(resident_of(config.kernel), 0);
	assert_int_equal(image_cache_start(&cache, &config), 0);
	assert_int_equal(cache.nr_files, 1);
	assert_int_equal(cache.files[0].resident_at_start, FILE_PAGES);
	err = stderr_of(before_launch, &call);
	assert_int_equal(call.resident, FILE_PAGES);
	assert_string_equal(err, "");
	free(err);
}

/* A bzImage's unpacked ELF is what loadvm maps: it is evicted too. */
static void bzimage_unpacked_elf_is_evicted(void **state)
{
	struct bench_config config = { .cache = "cold" };
	struct image_cache cache;
	struct elf_fixture f;
	uint8_t elf[0x4000], payload[0x4000];
	uint64_t resident, pages;
	size_t elf_len, len;
	char xdg[4096];
	int fd;

	(void)state;
	if (cannot_evict_here())
		skip();
	/* Its own cache, absolute as XDG wants it: never the user's. */
	assert_non_null(realpath(test_dir(), xdg));
	strncat(xdg, "/xdg-cache", sizeof(xdg) - strlen(xdg) - 1);
	setenv("XDG_CACHE_HOME", xdg, 1);
	elf_fixture_default(&f);
	fd = elf_fixture_fd(&f);
	assert_true(fd >= 0);
	elf_len = (size_t)pread(fd, elf, sizeof(elf), 0);
	close(fd);
	len = bzimage_fixture_gzip(elf, elf_len, payload, sizeof(payload));
	config.kernel = bzimage_fixture_write("kernel.bzimage", payload, len, (uint32_t)len);
	assert_int_equal(image_cache_start(&cache, &config), 0);
	assert_int_equal(cache.nr_files, 2);
	assert_string_equal(cache.files[0].path, config.kernel);
	assert_string_equal(cache.files[1].role, "unpacked kernel");
	assert_non_null(strstr(cache.files[1].path, "/xdg-cache/kvm-loadbench/vmlinux-"));
	assert_int_equal(page_cache_load(cache.files[1].path), 0);
	assert_int_equal(image_cache_before_launch(&cache, &config), 0);
	assert_int_equal(page_cache_resident(cache.files[1].path, &resident, &pages), 0);
	assert_true(pages > 0 && resident == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(evicted_file_leaves_the_page_cache),
		cmocka_unit_test(mapped_pages_stay),
		cmocka_unit_test(bad_files_are_errors),
		cmocka_unit_test(cold_round_counts_and_names_what_stayed),
		cmocka_unit_test(warm_start_reads_the_images_in),
		cmocka_unit_test(bzimage_unpacked_elf_is_evicted),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
