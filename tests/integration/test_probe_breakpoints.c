// SPDX-License-Identifier: MIT
/* test-needs: host-kvm: the nested rig's KVM delivers no guest-debug exits */
/*
 * linux_start_kernel by hardware breakpoint (--break-symbol), on the probe:
 * from the ELF's symbols and from a System.map, through loadvm and through
 * loadbench; a breakpoint that never hits is reported missing, never
 * invented. On this host's own KVM only (see test-needs).
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "../support/trace_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOOT_TIMEOUT_S 60
#define RUN_TIMEOUT_S 300

/* Runs the probe to linux_start_user with extra arguments; reads its trace. */
static void boot_with(const char *const extra[], struct trace_file *trace)
{
	const char *argv[16] = { loadvm_path(),
				 "--kernel",
				 probe_elf_path(),
				 "--trace",
				 test_path("trace-bp.jsonl"),
				 "--exit-after",
				 "user" };
	int argc = 7;

	for (int i = 0; extra[i]; i++)
		argv[argc++] = extra[i];
	assert_int_equal(
		run_cmd(argv, test_path("stdout.txt"), test_path("stderr.txt"), BOOT_TIMEOUT_S), 0);
	assert_true(trace_file_read(test_path("trace-bp.jsonl"), trace) >= 4);
}

/* probe_main's first statement writes 6: the breakpoint on its entry must
 * come first and within a few instructions of the port write. */
static void assert_breakpoint_then_port(const struct trace_file *t)
{
	int bp = -1, port = -1;

	for (unsigned i = 0; i < t->count; i++) {
		if (strcmp(t->points[i].name, "linux_start_kernel") != 0)
			continue;
		if (strcmp(t->points[i].source, "breakpoint") == 0)
			bp = (int)i;
		else if (strcmp(t->points[i].source, "port") == 0)
			port = (int)i;
	}
	if (bp < 0 || port < bp) {
		fail_msg("want a breakpoint linux_start_kernel before the port one");
		return;
	}
	printf("# breakpoint to port write: %.3f ms\n",
	       (double)(t->points[port].ns - t->points[bp].ns) / 1e6);
	assert_true(t->points[port].ns - t->points[bp].ns < 50 * 1000 * 1000ULL);
}

static void breakpoint_marks_the_kernel_entry(void **state)
{
	const char *const extra[] = { "--break-symbol", "probe_main", NULL };
	struct trace_file trace;

	(void)state;
	boot_with(extra, &trace);
	assert_breakpoint_then_port(&trace);
}

static void breakpoint_from_a_system_map(void **state)
{
	const char *map = test_path("probe.map");
	const char *const extra[] = { "--break-symbol", "probe_main", "--system-map", map, NULL };
	const char *nm[] = { "/usr/bin/nm", probe_elf_path(), NULL };
	struct trace_file trace;

	(void)state;
	/* nm prints "address type name", the System.map format. */
	assert_int_equal(run_cmd(nm, map, test_path("nm.err"), 10), 0);
	boot_with(extra, &trace);
	assert_breakpoint_then_port(&trace);
}

static void breakpoint_that_never_hits_is_reported_missing(void **state)
{
	/* A data symbol: never executed, so the breakpoint can never hit. */
	const char *const extra[] = { "--break-symbol", "probe_ro_blob", NULL };
	struct trace_file trace;
	char *text;

	(void)state;
	boot_with(extra, &trace);
	for (unsigned i = 0; i < trace.count; i++)
		assert_string_not_equal(trace.points[i].source, "breakpoint");
	text = slurp(test_path("trace-bp.jsonl"));
	assert_non_null(strstr(text, "{\"name\":\"linux_start_kernel\",\"value\":null,\"ns\":null,"
				     "\"source\":\"breakpoint\",\"missing\":true}"));
	free(text);
}

static void kernel_point_sources_are_recorded(void **state)
{
	const char *dir = test_path("bench-bp");
	const char *argv[] = { loadbench_path(),
			       "--kernel",
			       probe_elf_path(),
			       "--instances",
			       "1",
			       "--rounds",
			       "1",
			       "--settle",
			       "0",
			       "--break-symbol",
			       "probe_main",
			       "--out",
			       dir,
			       "--quiet",
			       NULL };
	char *csv, *json;

	(void)state;
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), RUN_TIMEOUT_S), 0);
	csv = slurp(test_path("bench-bp/raw.csv"));
	json = slurp(test_path("bench-bp/summary.json"));
	assert_non_null(strstr(csv, ",linux_start_kernel_source,"));
	/* The breakpoint on probe_main fires before the probe writes 6. */
	assert_non_null(strstr(csv, ",breakpoint,"));
	assert_non_null(strstr(json, "\"breakpoint\": \"armed\""));
	free(csv);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(breakpoint_marks_the_kernel_entry),
		cmocka_unit_test(breakpoint_from_a_system_map),
		cmocka_unit_test(breakpoint_that_never_hits_is_reported_missing),
		cmocka_unit_test(kernel_point_sources_are_recorded),
	};

	require_kvm("test_probe_breakpoints");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
