// SPDX-License-Identifier: MIT
/*
 * The file bytes of an ELF's PT_LOADs (common/elf_load.h), on hand-built
 * ELF64 and ELF32 files: segments of 8 KiB read+execute, 4 KiB read-only,
 * 4 KiB read+write, and a PT_NOTE that does not count.
 */
#include "../support/test_main.h"

#include "elf_load.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_BYTES 20480

static const struct {
	uint32_t type, flags;
	uint64_t offset, filesz;
} segments[] = {
	{ PT_LOAD, PF_R | PF_X, 4096, 8192 },
	{ PT_LOAD, PF_R, 12288, 4096 },
	{ PT_LOAD, PF_R | PF_W, 16384, 4096 },
	{ PT_NOTE, PF_R, 4096, 20 },
};
#define NR_SEGMENTS 4

static char path[64];

static void write_file(const void *bytes, size_t len)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_elf_load.%d", (int)getpid());
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* last_filesz: the read+write segment's, to make it run past the end. */
static void write_elf64(uint64_t last_filesz)
{
	static unsigned char image[FILE_BYTES];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)image;
	Elf64_Phdr *ph = (Elf64_Phdr *)(image + sizeof(*eh));

	memset(image, 0, sizeof(image));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = NR_SEGMENTS;
	for (int i = 0; i < NR_SEGMENTS; i++) {
		ph[i].p_type = segments[i].type;
		ph[i].p_flags = segments[i].flags;
		ph[i].p_offset = segments[i].offset;
		ph[i].p_vaddr = ph[i].p_paddr = 0x1000000 + segments[i].offset;
		ph[i].p_filesz = ph[i].p_memsz = i == 2 ? last_filesz : segments[i].filesz;
		ph[i].p_align = 4096;
	}
	write_file(image, sizeof(image));
}

static void write_elf32(void)
{
	static unsigned char image[FILE_BYTES];
	Elf32_Ehdr *eh = (Elf32_Ehdr *)image;
	Elf32_Phdr *ph = (Elf32_Phdr *)(image + sizeof(*eh));

	memset(image, 0, sizeof(image));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = NR_SEGMENTS;
	for (int i = 0; i < NR_SEGMENTS; i++) {
		ph[i].p_type = segments[i].type;
		ph[i].p_flags = segments[i].flags;
		ph[i].p_offset = (Elf32_Off)segments[i].offset;
		ph[i].p_vaddr = ph[i].p_paddr = 0x1000000 + (Elf32_Addr)segments[i].offset;
		ph[i].p_filesz = ph[i].p_memsz = (Elf32_Word)segments[i].filesz;
		ph[i].p_align = 4096;
	}
	write_file(image, sizeof(image));
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void elf64_counts_every_load_and_the_read_only_ones(void **state)
{
	struct elf_load_bytes b;
	char why[256] = "";

	(void)state;
	write_elf64(4096);
	assert_int_equal(elf_load_bytes(path, &b, why, sizeof(why)), 0);
	assert_int_equal(b.all, 8192 + 4096 + 4096);
	assert_int_equal(b.readonly, 8192 + 4096);
}

static void elf32_reads_the_same(void **state)
{
	struct elf_load_bytes b;
	char why[256] = "";

	(void)state;
	write_elf32();
	assert_int_equal(elf_load_bytes(path, &b, why, sizeof(why)), 0);
	assert_int_equal(b.all, 16384);
	assert_int_equal(b.readonly, 12288);
}

static void a_segment_past_the_end_is_refused_by_number(void **state)
{
	struct elf_load_bytes b;
	char why[256] = "", want[300];

	(void)state;
	write_elf64(8192); /* from 16384: 4 KiB past the 20 KiB file */
	assert_int_equal(elf_load_bytes(path, &b, why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "%s: PT_LOAD 2 runs past the end of the file", path);
	assert_string_equal(why, want);
}

static void not_an_elf_and_no_file_say_so(void **state)
{
	static const char text[] = "#!/bin/sh\necho not a kernel\n";
	struct elf_load_bytes b;
	char why[256] = "", want[300];

	(void)state;
	write_file(text, sizeof(text) - 1);
	assert_int_equal(elf_load_bytes(path, &b, why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "%s is not an ELF file", path);
	assert_string_equal(why, want);
	assert_int_equal(elf_load_bytes("/nonexistent/vmlinux", &b, why, sizeof(why)), -1);
	assert_string_equal(why, "/nonexistent/vmlinux: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(elf64_counts_every_load_and_the_read_only_ones, teardown),
		cmocka_unit_test_teardown(elf32_reads_the_same, teardown),
		cmocka_unit_test_teardown(a_segment_past_the_end_is_refused_by_number, teardown),
		cmocka_unit_test_teardown(not_an_elf_and_no_file_say_so, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
