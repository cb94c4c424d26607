// SPDX-License-Identifier: MIT
/* test-needs: kvm (tests/run.sh runs it where that is) */
/*
 * Hostile guests, each a few bytes of 32-bit code in a hand-built PVH ELF:
 * one floods the serial port, one writes garbage to every I/O port, one
 * triple-faults. loadvm must survive or report, and loadbench must record
 * a crashed guest with its reason.
 */
#include "../support/test_main.h"

#include "../support/elf_fixture.h"
#include "../support/spawn.h"
#include "signal_pid.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *write_guest(const char *name, const uint8_t *code, unsigned len)
{
	struct elf_fixture f;
	const char *path = test_path(name);

	elf_fixture_default(&f);
	f.code = code;
	f.code_len = len;
	assert_int_equal(elf_fixture_write(&f, path), 0);
	return path;
}

/* Size of path, or -1. */
static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void serial_flood_is_capped(void **state)
{
	/* mov dx, 0x3f8; mov al, 'A'; 1: out dx, al; jmp 1b */
	static const uint8_t flood[] = { 0x66, 0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xeb, 0xfd };
	const char *kernel = write_guest("flood.elf", flood, sizeof(flood));
	const char *serial = test_path("flood.txt");
	const char *argv[] = { loadvm_path(),	 "--kernel", kernel,	  "--serial", serial,
			       "--serial-limit", "4K",	     "--timeout", "60",	      NULL };
	pid_t pid;

	(void)state;
	pid = spawn_cmd(argv, test_path("out.txt"), test_path("err.txt"));
	assert_true(pid > 0);
	/* However slow the KVM (emulating, or the nested rig), the cap is reached
	 * long before the timeout; then the file grows no more while the guest
	 * keeps writing, and loadvm keeps running until it is stopped. */
	for (int i = 0; i < 500 && file_size(serial) < 4096; i++)
		usleep(100 * 1000);
	usleep(500 * 1000);
	assert_int_equal(file_size(serial), 4096);
	assert_int_equal(signal_pid(pid, 0), 0);
	assert_int_equal(signal_pid(pid, SIGTERM), 0);
	assert_int_equal(wait_cmd(pid, 30), 0);
	assert_int_equal(file_size(serial), 4096);
}

static void garbage_on_every_port_is_survived(void **state)
{
	static const uint8_t garbage[] = {
		0x31, 0xd2,			    /* xor edx, edx */
		0x88, 0xd0,			    /* 1: mov al, dl */
		0xee,				    /* out dx, al */
		0x42,				    /* inc edx */
		0x81, 0xfa, 0x00, 0x00, 0x01, 0x00, /* cmp edx, 0x10000 */
		0x72, 0xf4,			    /* jb 1b */
		0xb0, 0x07,			    /* mov al, 7 (linux_start_user) */
		0x66, 0xba, 0xf4, 0x00,		    /* mov dx, 0xf4 */
		0xee,				    /* out dx, al */
		0xfa, 0xf4, 0xeb, 0xfd,		    /* cli; 2: hlt; jmp 2b */
	};
	const char *kernel = write_guest("garbage.elf", garbage, sizeof(garbage));
	const char *argv[] = { loadvm_path(),
			       "--kernel",
			       kernel,
			       "--exit-after",
			       "user",
			       "--trace",
			       test_path("garbage.jsonl"),
			       "--timeout",
			       "120",
			       NULL };
	char *trace;

	(void)state;
	assert_int_equal(run_cmd(argv, test_path("out.txt"), test_path("err.txt"), 150), 0);
	trace = slurp(test_path("garbage.jsonl"));
	/* Its write of 0xf4 to port 0xf4 is a trace point with no name. */
	assert_non_null(strstr(trace, "\"name\":\"tp_244\""));
	assert_non_null(strstr(trace, "\"name\":\"linux_start_user\""));
	free(trace);
}

static void loadbench_records_a_crashed_guest(void **state)
{
	static const uint8_t ud2[] = { 0x0f, 0x0b }; /* no IDT: #UD, #DF, triple fault */
	const char *kernel = write_guest("crash.elf", ud2, sizeof(ud2));
	const char *dir = test_path("bench-crash");
	const char *loadbench = loadbench_path();
	const char *argv[] = { loadbench,  "--kernel", kernel,	   "--instances", "2",
			       "--rounds", "1",	       "--settle", "0",		  "--timeout",
			       "60",	   "--out",    dir,	   "--quiet",	  NULL };
	char *csv;

	(void)state;
	assert_int_equal(run_cmd(argv, test_path("out.txt"), test_path("err.txt"), 120), 3);
	csv = slurp(test_path("bench-crash/raw.csv"));
	assert_non_null(csv);
	assert_non_null(strstr(csv, ",exited,\"exit 3: loadvm: guest crashed: triple fault"));
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serial_flood_is_capped),
		cmocka_unit_test(garbage_on_every_port_is_survived),
		cmocka_unit_test(loadbench_records_a_crashed_guest),
	};

	require_kvm("test_guest_faults");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
