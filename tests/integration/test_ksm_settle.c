// SPDX-License-Identifier: MIT
/* test-needs: kvm (tests/run.sh runs it where that is) */
/*
 * loadbench --loaders copy,ksm on two probe guests with ksmd really
 * running: the round waits until ksmd settled, records it, and samples
 * the merged pages (ksm's USS far below copy's). Those need root: ksmd's
 * run, pages_to_scan and sleep_millisecs are set for the test (1000 pages
 * per 20 ms, so it takes seconds) and restored afterwards, also when a
 * check fails; a host whose ksmd was off gets its merged pages unmerged.
 * And, against stand-in counters that never settle ($KVMLB_KSM_ROOT), a
 * SIGTERM during the wait ends the run at once.
 */
#include "../support/test_main.h"

#include "../support/raw_rows.h"
#include "../support/spawn.h"
#include "guest_layout.h"
#include "kernel_image.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksm_settle.h"
#include "monotonic.h"

#define KSM "/sys/kernel/mm/ksm/"
#define MAX_SETTLE "20"

static const char *const knobs[] = { "pages_to_scan", "sleep_millisecs", "run" };
#define NR_KNOBS (sizeof(knobs) / sizeof(knobs[0]))
static char saved[NR_KNOBS][32];
static int changed;
static bool have_ksm; /* root, and this kernel has KSM */
static double read_only_mib;

static int write_knob(const char *name, const char *value)
{
	char path[128];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), KSM "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	err = fputs(value, f) < 0;
	err |= fclose(f) != 0;
	return err ? -1 : 0;
}

/* run last: ksmd stops (or unmerges, 2) at the pace it had. */
static void restore(void)
{
	if (!changed)
		return;
	changed = 0;
	if (strcmp(saved[NR_KNOBS - 1], "1\n") != 0 && write_knob("run", "2\n"))
		perror(KSM "run: cannot unmerge");
	for (size_t i = 0; i < NR_KNOBS; i++)
		if (write_knob(knobs[i], saved[i]))
			fprintf(stderr, "# %s%s: cannot restore '%s'\n", KSM, knobs[i], saved[i]);
}

static int setup(void **state)
{
	const struct image_limits limits = { GUEST_RAM_MAX, BOOT_DATA_END };
	struct kernel_image image;

	(void)state;
	if (kernel_image_open(&image, probe_elf_path(), &limits))
		return -1;
	read_only_mib = (double)image.segments[0].file_size / (1 << 20);
	kernel_image_close(&image);
	sync_file(probe_elf_path());
	have_ksm = geteuid() == 0 && access(KSM "run", W_OK) == 0;
	if (!have_ksm) {
		printf("# ksmd's tests skipped: they need root and " KSM "run (CONFIG_KSM)\n");
		return 0;
	}
	for (size_t i = 0; i < NR_KNOBS; i++) {
		char path[128];
		FILE *f;

		snprintf(path, sizeof(path), KSM "%s", knobs[i]);
		f = fopen(path, "r");
		if (!f || !fgets(saved[i], sizeof(saved[i]), f)) {
			perror(path);
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
	}
	changed = 1;
	atexit(restore);
	return write_knob("pages_to_scan", "1000\n") || write_knob("sleep_millisecs", "20\n") ||
	       write_knob("run", "1\n");
}

static int teardown(void **state)
{
	(void)state;
	restore();
	return 0;
}

static double mean_uss_mib(const struct raw_rows *raw, const char *loader)
{
	double sum = 0;
	int n = 0;

	for (unsigned r = 0; r < raw->nr_rows; r++)
		if (strcmp(raw_cell(raw, r, "loader"), loader) == 0) {
			sum += (double)raw_num(raw, r, "uss_kb") / 1024;
			n++;
		}
	assert_int_equal(n, 2);
	return sum / n;
}

static void ksm_rounds_wait_for_ksmd(void **state)
{
	const char *dir = test_path("ksm");
	const char *argv[] = { loadbench_path(),
			       "--kernel",
			       probe_elf_path(),
			       "--instances",
			       "2",
			       "--rounds",
			       "1",
			       "--loaders",
			       "copy,ksm",
			       "--settle",
			       "0",
			       "--ksm-settle-max",
			       MAX_SETTLE,
			       "--out",
			       dir,
			       "--quiet",
			       NULL };
	struct raw_rows raw;
	double copy_uss, ksm_uss;
	char *err;

	(void)state;
	if (!have_ksm)
		skip();
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), 120), 0);
	err = slurp(test_path("lb.err"));
	assert_non_null(err);
	if (strstr(err, "had not settled"))
		fail_msg("ksmd did not settle in " MAX_SETTLE " s: %s", err);
	free(err);
	assert_int_equal(raw_rows_read(&raw, test_path("ksm/raw.csv")), 0);
	assert_int_equal(raw.nr_rows, 4);
	for (unsigned r = 0; r < raw.nr_rows; r++) {
		int64_t settle = raw_num(&raw, r, "ksm_settle_ms");

		assert_string_equal(raw_cell(&raw, r, "status"), "ok");
		if (strcmp(raw_cell(&raw, r, "loader"), "copy") == 0) {
			/* copy does not merge: nothing measured, nothing made up. */
			assert_string_equal(raw_cell(&raw, r, "ksm_settle_ms"), "");
			assert_string_equal(raw_cell(&raw, r, "ksm_settled"), "");
			assert_string_equal(raw_cell(&raw, r, "ksmd_cpu_ms"), "");
			assert_string_equal(raw_cell(&raw, r, "ksm_pages_sharing"), "");
			continue;
		}
		printf("# ksm N=2: settled after %lld ms, ksmd %lld ms of CPU, pages sharing %lld, "
		       "shared %lld\n",
		       (long long)settle, (long long)raw_num(&raw, r, "ksmd_cpu_ms"),
		       (long long)raw_num(&raw, r, "ksm_pages_sharing"),
		       (long long)raw_num(&raw, r, "ksm_pages_shared"));
		assert_int_equal(raw_num(&raw, r, "ksm_settled"), 1);
		/* Three full scans at least, read every 100 ms. */
		assert_true(settle >= 300 && settle < 20000);
		assert_true(raw_num(&raw, r, "ksmd_cpu_ms") >= 0);
		/* Two guests: every merged page shared once, used twice. */
		assert_true(raw_num(&raw, r, "ksm_pages_shared") > 0);
		assert_true(raw_num(&raw, r, "ksm_pages_sharing") >=
			    raw_num(&raw, r, "ksm_pages_shared"));
	}
	/* The sample came after the merging: ksm kept the read-only part out
	 * of each guest's private memory, copy could not. */
	copy_uss = mean_uss_mib(&raw, "copy");
	ksm_uss = mean_uss_mib(&raw, "ksm");
	printf("# N=2: copy USS %.1f MiB, ksm USS %.1f MiB, read-only part %.1f MiB\n", copy_uss,
	       ksm_uss, read_only_mib);
	assert_true(copy_uss - ksm_uss >= 0.8 * read_only_mib);
	raw_rows_free(&raw);
}

/* --ksm-settle-max 0: no wait, so no settle time or ksmd CPU (empty, not
 * 0); ksmd's counters at the sample are still read. */
static void no_wait_is_no_figure(void **state)
{
	const char *argv[] = { loadbench_path(),
			       "--kernel",
			       probe_elf_path(),
			       "--instances",
			       "1",
			       "--rounds",
			       "1",
			       "--loaders",
			       "ksm",
			       "--settle",
			       "0",
			       "--ksm-settle-max",
			       "0",
			       "--out",
			       test_path("ksm0"),
			       "--quiet",
			       NULL };
	struct raw_rows raw;

	(void)state;
	if (!have_ksm)
		skip();
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), 60), 0);
	assert_int_equal(raw_rows_read(&raw, test_path("ksm0/raw.csv")), 0);
	assert_int_equal(raw.nr_rows, 1);
	assert_string_equal(raw_cell(&raw, 0, "ksm_settle_ms"), "");
	assert_string_equal(raw_cell(&raw, 0, "ksm_settled"), "");
	assert_string_equal(raw_cell(&raw, 0, "ksmd_cpu_ms"), "");
	assert_true(raw_num(&raw, 0, "ksm_pages_sharing") >= 0);
	assert_true(raw_num(&raw, 0, "ksm_pages_shared") >= 0);
	raw_rows_free(&raw);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* ksmd "running" but never finishing a scan: the wait would last the
 * 600 s cap; SIGTERM ends loadbench within a poll, its guest with it. */
static void a_signal_ends_the_wait(void **state)
{
	char root[320], kernel[400], path[400], *cmd;
	const char *argv[] = { loadbench_path(),
			       "--kernel",
			       kernel,
			       "--instances",
			       "1",
			       "--loaders",
			       "ksm",
			       "--settle",
			       "0",
			       "--ksm-settle-max",
			       "600",
			       "--out",
			       test_path("ksm-term"),
			       "--quiet",
			       NULL };
	static const char *const counters[][2] = {
		{ "run", "1\n" },
		{ "full_scans", "5\n" },
		{ "pages_sharing", "0\n" },
		{ "pages_shared", "0\n" },
	};
	const char *pgrep[] = { "/usr/bin/pgrep", "-f", kernel, NULL };
	double killed;
	pid_t pid;

	(void)state;
	snprintf(root, sizeof(root), "%s", test_path("stand-in"));
	assert_true(asprintf(&cmd, "mkdir -p '%s/sys/kernel/mm/ksm' && cp '%s' '%s/probe.elf'",
			     root, probe_elf_path(), root) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* Our own copy of the probe: its path finds exactly our guest. */
	snprintf(kernel, sizeof(kernel), "%s/probe.elf", root);
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		snprintf(path, sizeof(path), "%s/sys/kernel/mm/ksm/%s", root, counters[i][0]);
		write_text(path, counters[i][1]);
	}
	assert_int_equal(setenv(KSM_ROOT_ENV, root, 1), 0);
	pid = spawn_cmd(argv, test_path("term.out"), test_path("term.err"));
	unsetenv(KSM_ROOT_ENV);
	assert_true(pid > 0);
	assert_true(wait_for_text(test_path("ksm-term/progress.log"), "booted", 60));
	usleep(300 * 1000); /* into the wait */
	killed = monotonic_s();
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_cmd(pid, 10), 128 + SIGTERM);
	assert_true(monotonic_s() - killed < 2);
	usleep(500 * 1000);
	assert_int_equal(run_cmd(pgrep, test_path("pgrep.out"), test_path("pgrep.err"), 10), 1);
	snprintf(path, sizeof(path), "%s/raw.csv", test_path("ksm-term"));
	assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ksm_rounds_wait_for_ksmd),
		cmocka_unit_test(no_wait_is_no_figure),
		cmocka_unit_test(a_signal_ends_the_wait),
	};

	require_kvm("test_ksm_settle");
	return cmocka_run_group_tests(tests, setup, teardown);
}
