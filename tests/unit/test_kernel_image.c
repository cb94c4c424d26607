// SPDX-License-Identifier: MIT
/* ELF/PVH parsing: one valid fixture, then one broken field per test. */
#include "../support/test_main.h"

#include "../support/elf_fixture.h"
#include "guest_layout.h"
#include "kernel_image.h"
#include "log.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct image_limits limits = { 128ULL << 20, BOOT_DATA_END };

static int parse(const struct elf_fixture *f, struct kernel_image *image)
{
	int fd = elf_fixture_fd(f);
	int ret;

	assert_true(fd >= 0);
	ret = kernel_image_parse_fd(image, fd, "fixture.elf", &limits);
	close(fd);
	return ret;
}

static void expect_rejected(struct elf_fixture *f)
{
	struct kernel_image image;

	assert_int_equal(parse(f, &image), -1);
}

/* Parses f expecting a refusal, and returns the one line it printed. */
static char *refusal(const struct elf_fixture *f)
{
	char path[] = "/tmp/kvmlb-kernel-image-XXXXXX";
	int saved = dup(STDERR_FILENO), tmp = mkstemp(path);
	struct kernel_image image;
	char *line = calloc(1, 512);

	assert_true(saved >= 0 && tmp >= 0 && line);
	unlink(path);
	fflush(stderr);
	dup2(tmp, STDERR_FILENO);
	assert_int_equal(parse(f, &image), -1);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_true(pread(tmp, line, 511, 0) > 0);
	close(tmp);
	return line;
}

static void expect_refusal_naming(const struct elf_fixture *f, const char *problem)
{
	char *line = refusal(f);

	if (!strstr(line, "fixture.elf: ") || !strstr(line, problem))
		fail_msg("wanted '%s', got: %s", problem, line);
	free(line);
}

static void wrong_phentsize_is_named(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.phentsize = 32; /* an Elf32_Phdr's size in an ELF64 */
	expect_refusal_naming(&f, "wrong e_phentsize 32");
	f.phentsize = 57;
	expect_refusal_naming(&f, "wrong e_phentsize 57");
}

static void class_body_mismatch_is_named(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.elf_class = ELFCLASS32; /* a 64-bit body under a 32-bit class byte */
	expect_refusal_naming(&f, "ELF class and body disagree");
	f.elf_class = 7;
	expect_refusal_naming(&f, "unknown ELF class");
}

static void program_headers_past_eof_are_named(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.phnum = 1000; /* 56000 bytes of table in a file of 0x3000 */
	expect_refusal_naming(&f, "program headers extend past the end of the file");
	elf_fixture_default(&f);
	f.truncate_to = 0x60; /* the table starts at 0x40 and is cut inside */
	expect_refusal_naming(&f, "program headers");
}

static void valid_image_gives_segments_and_entry(void **state)
{
	struct elf_fixture f;
	struct kernel_image image;

	(void)state;
	elf_fixture_default(&f);
	assert_int_equal(parse(&f, &image), 0);
	assert_int_equal(image.nr_segments, 1);
	assert_int_equal(image.pvh_entry, FIXTURE_LOAD_ADDR);
	assert_int_equal(image.segments[0].gpa, FIXTURE_LOAD_ADDR);
	assert_int_equal(image.segments[0].file_offset, 0x1000);
	assert_int_equal(image.segments[0].file_size, 0x2000);
	assert_int_equal(image.segments[0].mem_size, 0x3000);
	assert_int_equal(kernel_image_end(&image), FIXTURE_LOAD_ADDR + 0x3000);
}

static void two_segments_parse(void **state)
{
	struct elf_fixture f;
	struct kernel_image image;

	(void)state;
	elf_fixture_default(&f);
	f.nr_segments = 2;
	f.segments[1] =
		(struct fixture_segment){ FIXTURE_LOAD_ADDR + 0x4000, 0x3000, 0x1000, 0x1000 };
	assert_int_equal(parse(&f, &image), 0);
	assert_int_equal(image.nr_segments, 2);
}

static void no_pvh_note_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.has_pvh_note = 0;
	expect_rejected(&f);
}

static void other_machine_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.machine = EM_AARCH64;
	expect_rejected(&f);
}

static void shared_object_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.type = ET_DYN;
	expect_rejected(&f);
}

static void truncated_segment_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.truncate_to = 0x2000; /* the segment runs to 0x3000 */
	expect_rejected(&f);
}

static void truncated_headers_are_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.truncate_to = 80; /* inside the first program header */
	expect_rejected(&f);
}

static void segment_outside_ram_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.segments[0].paddr = (128ULL << 20) - 0x1000; /* 0x3000 bytes do not fit */
	f.pvh_entry = (uint32_t)f.segments[0].paddr;
	expect_rejected(&f);
}

static void segment_in_boot_data_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.segments[0].paddr = PVH_START_INFO_ADDR;
	f.pvh_entry = (uint32_t)PVH_START_INFO_ADDR;
	expect_rejected(&f);
}

static void overlapping_segments_are_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.nr_segments = 2;
	f.segments[1] =
		(struct fixture_segment){ FIXTURE_LOAD_ADDR + 0x2000, 0x3000, 0x1000, 0x1000 };
	expect_rejected(&f);
}

static void filesz_above_memsz_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.segments[0].memsz = 0x1000;
	expect_rejected(&f);
}

static void overflowing_sizes_are_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.segments[0].offset = UINT64_MAX - 0x100;
	expect_rejected(&f);
	elf_fixture_default(&f);
	f.segments[0].filesz = f.segments[0].memsz = UINT64_MAX - 0x10;
	expect_rejected(&f);
}

static void entry_outside_segments_is_rejected(void **state)
{
	struct elf_fixture f;

	(void)state;
	elf_fixture_default(&f);
	f.pvh_entry = 0x2000000;
	expect_rejected(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_image_gives_segments_and_entry),
		cmocka_unit_test(two_segments_parse),
		cmocka_unit_test(no_pvh_note_is_rejected),
		cmocka_unit_test(other_machine_is_rejected),
		cmocka_unit_test(shared_object_is_rejected),
		cmocka_unit_test(truncated_segment_is_rejected),
		cmocka_unit_test(truncated_headers_are_rejected),
		cmocka_unit_test(segment_outside_ram_is_rejected),
		cmocka_unit_test(segment_in_boot_data_is_rejected),
		cmocka_unit_test(overlapping_segments_are_rejected),
		cmocka_unit_test(filesz_above_memsz_is_rejected),
		cmocka_unit_test(overflowing_sizes_are_rejected),
		cmocka_unit_test(entry_outside_segments_is_rejected),
		cmocka_unit_test(wrong_phentsize_is_named),
		cmocka_unit_test(class_body_mismatch_is_named),
		cmocka_unit_test(program_headers_past_eof_are_named),
	};

	log_set_program("test_kernel_image");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
