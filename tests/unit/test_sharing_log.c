// SPDX-License-Identifier: MIT
/*
 * sharing.csv: its columns (the page kinds after sharemap's), the rows of
 * one instance (this process, mapping a small kernel ELF MAP_PRIVATE as the
 * mmap loader does), and a resume refused over other columns.
 */
#include "../support/test_main.h"

#include "../support/section_elf.h"
#include "../support/spawn.h"
#include "../support/stderr_capture.h"
#include "sharing_log.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define VADDR 0xffffffff81000000ULL
#define OFFSET 0x1000ULL
#define SEGMENT 0x3000ULL

static const char columns[] =
	"loader,instances,round,instance,file,region,bytes,pages,shared,copied,untouched,"
	"unchanged,init_freed,data,lock_to_ds,retpoline,return_thunk,static_call,jump_label,"
	"paravirt,ibt_seal,alternative,other,mixed,unread,ftrace_nop,jump_label_nop,other_bytes\n";

static const struct section_spec sections[] = {
	{ ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, VADDR, 0x2000 },
	{ ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, VADDR + 0x2000, 0x1000 },
};

static const char *kernel;

static int setup(void **state)
{
	static uint8_t segment[SEGMENT];
	const struct section_elf elf = { VADDR, OFFSET, SEGMENT, segment, sections, 2, NULL, 0 };

	(void)state;
	memset(segment, 0x90, sizeof(segment));
	kernel = test_path("vmlinux");
	return section_elf_write(&elf, kernel);
}

static char *first_line(const char *path)
{
	static char line[1024];
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	return line;
}

/* The header, and this process's rows after it wrote one .data page. */
static void rows_carry_the_page_kinds(void **state)
{
	struct instance_result res = { 0 };
	struct sharing_log log;
	const char *dir = test_dir();
	uint8_t *map;
	char *csv;
	int fd;

	(void)state;
	assert_int_equal(sharing_log_open(&log, dir, kernel, NULL), 0);
	assert_string_equal(first_line(test_path("sharing.csv.partial")), columns);
	fd = open(kernel, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	map = mmap(NULL, OFFSET + SEGMENT, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(map != MAP_FAILED);
	map[OFFSET + 0x2000 + 5] ^= 0xff;
	res.instances = 1;
	res.pid = getpid();
	sharing_log_instance(&log, "mmap", &res);
	assert_int_equal(sharing_log_finish(&log), 0);
	munmap(map, OFFSET + SEGMENT);
	csv = slurp(test_path("sharing.csv"));
	assert_non_null(csv);
	assert_non_null(strstr(csv, "\nmmap,1,0,0,kernel,.text,8192,2,0,0,2,"
				    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"));
	assert_non_null(strstr(csv, "\nmmap,1,0,0,kernel,.data,4096,1,0,1,0,"
				    "0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"));
	free(csv);
}

struct reopen {
	const char *dir;
	long keep;
};

static int reopen(void *ctx)
{
	const struct reopen *r = ctx;
	struct sharing_log log;
	int ret = sharing_log_reopen(&log, r->dir, kernel, NULL, r->keep);

	if (ret == 0)
		ret = sharing_log_finish(&log);
	return ret;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A run started by a build without the kind columns cannot be resumed
 * into one file with them; one with them can. */
static void resume_refuses_other_columns(void **state)
{
	static const char old[] =
		"loader,instances,round,instance,file,region,bytes,pages,shared,copied,untouched\n";
	struct reopen r = { test_path("old"), (long)strlen(old) };
	char err[512];

	(void)state;
	mkdir(r.dir, 0755);
	write_file(test_path("old/sharing.csv.partial"), old);
	assert_int_equal(capture_stderr(reopen, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "columns are not this loadbench's"));
	write_file(test_path("old/sharing.csv.partial"), columns);
	r.keep = (long)strlen(columns);
	assert_int_equal(capture_stderr(reopen, &r, err, sizeof(err)), 0);
	assert_string_equal(first_line(test_path("old/sharing.csv")), columns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_carry_the_page_kinds),
		cmocka_unit_test(resume_refuses_other_columns),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
