// SPDX-License-Identifier: MIT
/*
 * A VMM is one file (harness/backend.h): loadbench --vmm fake runs the test
 * backend (harness/backend_fake.c) and its VMM, tests/support/fake_vmm.c,
 * which boots no guest (no KVM needed): it touches 24 MiB of its own
 * memory, reports its points as loadvm's JSON Lines and waits to be
 * killed. Instances 1,2 x 2 rounds: every instance "boots"; summary.json
 * and tables.txt show the fake's loader with a USS of the 24 MiB it
 * touched (plus its own few pages), raw.csv names its VMM, its options
 * reach it and its JSON object and paragraph are in the outputs. Without
 * KVMLB_TEST_BACKENDS=1 the fake does not exist: --vmm fake is refused and
 * --help does not offer it.
 */
#include "../support/test_main.h"

#include "../support/python_check.h"
#include "../support/raw_rows.h"
#include "../support/spawn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOUCH_MIB "24"
#define RUN_TIMEOUT_S 120

static const char *fake_vmm(void)
{
	static char path[512];
	const char *build = getenv("BUILD");

	snprintf(path, sizeof(path), "%s/tests/fake_vmm", build && *build ? build : "build");
	return path;
}

static int run_loadbench(const char *const *args, const char *name)
{
	const char *argv[32];
	char out[64], err[64];
	int argc = 0;

	argv[argc++] = loadbench_path();
	while (*args && argc < 31)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	snprintf(out, sizeof(out), "%s.out", name);
	snprintf(err, sizeof(err), "%s.err", name);
	return run_cmd(argv, test_path(out), test_path(err), RUN_TIMEOUT_S);
}

static void run_of_the_fake_vmm(void **state)
{
	static char dir[512];
	const char *args[] = {
		"--vmm",    "fake",	  "--fake-vmm",	    fake_vmm(),	   "--fake-touch-mib",
		TOUCH_MIB,  "--kernel",	  probe_elf_path(), "--instances", "1,2",
		"--rounds", "2",	  "--settle",	    "0.2",	   "--timeout",
		"30",	    "--kvm-mode", "native",	    "--quiet",	   "--out",
		dir,	    NULL
	};
	/* The fake's USS: what it touched, and less than 4 MiB of its own. */
	static const char check[] =
		"import json, sys\n"
		"d = sys.stdin.read().strip()\n"
		"s = json.load(open(d + \"/summary.json\"))\n"
		"assert s[\"config\"][\"vmms\"] == [\"fake\"], s[\"config\"]\n"
		"assert s[\"context\"][\"fake\"][\"touch_mib\"] == " TOUCH_MIB "\n"
		"table = open(d + \"/tables.txt\").read()\n"
		"assert \"fake: a test VMM without a guest; each instance touches " TOUCH_MIB
		" MiB.\" in table\n"
		"memory = table.split(\"Memory footprint per instance "
		"[MB]\")[1].split(\"\\n\\n\")[0]\n"
		"assert \"fake\" in memory, memory\n"
		"for g in s[\"results\"]:\n"
		"    assert (g[\"loader\"], g[\"vmm\"]) == (\"fake\", \"fake\"), g\n"
		"    assert g[\"booted\"] == g[\"launched\"] == 2 * g[\"instances\"], g\n"
		"    uss = g[\"memory_kb\"][\"uss\"][\"median\"]\n"
		"    assert " TOUCH_MIB " * 1024 <= uss < (" TOUCH_MIB " + 4) * 1024, uss\n"
		"    assert g[\"trace_ms\"][\"linux_start_user\"][\"n\"] == 2, g[\"trace_ms\"]\n"
		"    n = str(g[\"instances\"])\n"
		"    row = [l for l in memory.splitlines() if l.split()[:1] == [n]]\n"
		"    assert row[0].split()[1] == \"%.1f\" % (uss / 1024), (row, uss)\n";
	struct raw_rows raw;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", test_path("run"));
	assert_int_equal(setenv("KVMLB_TEST_BACKENDS", "1", 1), 0);
	assert_int_equal(run_loadbench(args, "run"), 0);
	assert_int_equal(unsetenv("KVMLB_TEST_BACKENDS"), 0);
	assert_int_equal(python_run(check, dir, 0), 0);
	assert_int_equal(raw_rows_read(&raw, test_path("run/raw.csv")), 0);
	assert_int_equal(raw.nr_rows, 6);
	for (unsigned r = 0; r < raw.nr_rows; r++) {
		assert_string_equal(raw_cell(&raw, r, "vmm"), "fake");
		assert_string_equal(raw_cell(&raw, r, "status"), "ok");
		assert_true(raw_num(&raw, r, "uss_kb") >= 24 * 1024);
		/* QEMU's columns are there, and empty: not the fake's. */
		assert_string_equal(raw_cell(&raw, r, "vm_running_ns"), "");
	}
	raw_rows_free(&raw);
}

/* Without the variable, the fake is no VMM of loadbench's. */
static void fake_exists_only_for_tests(void **state)
{
	const char *vmm[] = { "--vmm", "fake", "--kernel", probe_elf_path(), NULL };
	const char *help[] = { "--help", NULL };
	char *text;

	(void)state;
	assert_int_equal(unsetenv("KVMLB_TEST_BACKENDS"), 0);
	assert_int_equal(run_loadbench(vmm, "vmm"), 2);
	text = slurp(test_path("vmm.err"));
	assert_non_null(strstr(text, "--vmm 'fake': expected loadvm and/or qemu, once each"));
	free(text);
	assert_int_equal(run_loadbench(help, "help"), 0);
	text = slurp(test_path("help.out"));
	assert_null(strstr(text, "fake"));
	free(text);
	assert_int_equal(setenv("KVMLB_TEST_BACKENDS", "1", 1), 0);
	assert_int_equal(run_loadbench(help, "help-test"), 0);
	text = slurp(test_path("help-test.out"));
	assert_non_null(strstr(text, "  --fake-vmm PATH "));
	free(text);
	/* Now a VMM; its set-up refuses what it cannot run (no --fake-vmm). */
	assert_int_equal(run_loadbench(vmm, "no-path"), 2);
	text = slurp(test_path("no-path.err"));
	assert_string_equal(text, "loadbench: --vmm fake: give --fake-vmm PATH (the test VMM, "
				  "build/tests/fake_vmm)\n");
	free(text);
	assert_int_equal(unsetenv("KVMLB_TEST_BACKENDS"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_of_the_fake_vmm),
		cmocka_unit_test(fake_exists_only_for_tests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
