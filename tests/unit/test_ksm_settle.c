// SPDX-License-Identifier: MIT
/*
 * The wait for ksmd (harness/ksm_settle.h) against a directory of
 * stand-ins for /sys/kernel/mm/ksm and ksmd's /proc/PID/stat, which a test
 * clock rewrites between readings: full_scans advancing, pages_sharing
 * still moving or stable, ksmd stuck, several scans between two readings,
 * the cap, no wait at all, counters that vanish. And the refusal before
 * any round: a merging loader with ksmd off or absent is one line and
 * exit 2 from the binary ($KVMLB_KSM_ROOT points it at the stand-ins; no
 * KVM needed, nothing runs).
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "../support/stderr_capture.h"
#include "ksm_settle.h"
#include "monotonic.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KSMD_PID 37
#define MAX_STEPS 64

static char root[256];

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void write_ksm(const char *name, long long value)
{
	char path[512], text[32];

	snprintf(path, sizeof(path), "%s/sys/kernel/mm/ksm/%s", root, name);
	snprintf(text, sizeof(text), "%lld\n", value);
	write_text(path, text);
}

static void write_comm(int pid, const char *comm)
{
	char path[512], text[64];

	snprintf(path, sizeof(path), "%s/proc/%d/comm", root, pid);
	snprintf(text, sizeof(text), "%s\n", comm);
	write_text(path, text);
}

/* /proc/PID/stat as Linux writes it, the comm with a space and a ')' in
 * it for init (the fields count from the last ')'). */
static void write_stat(int pid, const char *comm, long long utime, long long stime)
{
	char path[512], text[512];

	snprintf(path, sizeof(path), "%s/proc/%d/stat", root, pid);
	snprintf(text, sizeof(text),
		 "%d (%s) S 2 0 0 0 -1 2129984 0 0 0 0 %lld %lld 0 0 25 5 1 0 62 0 0 "
		 "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 "
		 "0 0 0\n",
		 pid, comm, utime, stime);
	write_text(path, text);
}

static void make_dirs(const char *path)
{
	char partial[512];

	for (const char *p = path; (p = strchr(p + 1, '/')) != NULL;) {
		snprintf(partial, sizeof(partial), "%.*s", (int)(p - path), path);
		mkdir(partial, 0755);
	}
	mkdir(path, 0755);
}

/* Before each test, a fresh host: ksmd running, 10 full scans behind it,
 * nothing merged; ksmd is pid 37 with 100 + 50 ticks, init (pid 1) is not
 * ksmd. */
static int setup(void **state)
{
	char dir[512];

	(void)state;
	snprintf(root, sizeof(root), "%s", test_path("host"));
	snprintf(dir, sizeof(dir), "%s/sys/kernel/mm/ksm", root);
	make_dirs(dir);
	snprintf(dir, sizeof(dir), "%s/proc/%d", root, KSMD_PID);
	make_dirs(dir);
	snprintf(dir, sizeof(dir), "%s/proc/1", root);
	make_dirs(dir);
	snprintf(dir, sizeof(dir), "%s/proc/self", root);
	make_dirs(dir);
	write_ksm("run", 1);
	write_ksm("full_scans", 10);
	write_ksm("pages_sharing", 0);
	write_ksm("pages_shared", 0);
	write_comm(1, "in it) S");
	write_stat(1, "in it) S", 7, 7);
	write_comm(KSMD_PID, "ksmd");
	write_stat(KSMD_PID, "ksmd", 100, 50);
	return 0;
}

/* A clock that moves only when the wait sleeps, and then writes the
 * counters of the next step (the last step's stay). ksmd spends 3 ticks
 * per step. */
struct script {
	double now;
	unsigned int sleeps;
	unsigned int nr;
	long long scans[MAX_STEPS];
	long long sharing[MAX_STEPS];
};

static double script_now(void *ctx)
{
	return ((struct script *)ctx)->now;
}

static void script_sleep(void *ctx, double seconds)
{
	struct script *s = ctx;
	unsigned int step = s->sleeps < s->nr ? s->sleeps : s->nr - 1;

	s->now += seconds;
	s->sleeps++;
	write_ksm("full_scans", s->scans[step]);
	write_ksm("pages_sharing", s->sharing[step]);
	write_stat(KSMD_PID, "ksmd", 100 + 2 * (long long)s->sleeps, 50 + s->sleeps);
}

static struct ksm_round run_script(struct script *s, double max_s)
{
	const struct ksm_clock clock = { script_now, script_sleep, s };
	struct ksm_round out;

	write_stat(KSMD_PID, "ksmd", 100, 50);
	ksm_round_clear(&out);
	ksm_settle_wait(root, max_s, &clock, &out);
	return out;
}

/* ksmd's CPU over the wait, as the test clock charged it: 3 ticks a step. */
static long long cpu_ms(unsigned int steps)
{
	return 3LL * steps * 1000 / sysconf(_SC_CLK_TCK);
}

/* Merging after the boot (0, 50, 80 pages), then a whole scan with no
 * change: settled at the 6th reading, 0.6 s. */
static void settles_once_a_whole_scan_merged_nothing(void **state)
{
	struct script s = { .nr = 6,
			    .scans = { 10, 11, 12, 13, 14, 15 },
			    .sharing = { 0, 0, 50, 80, 80, 80 } };
	struct ksm_round out;

	(void)state;
	out = run_script(&s, 120);
	assert_int_equal(out.settled, 1);
	assert_int_equal(s.sleeps, 6);
	assert_int_equal(out.settle_ms, 600);
	assert_int_equal(out.ksmd_cpu_ms, cpu_ms(6));
	/* The sample's pages are read apart, when the round samples. */
	assert_int_equal(out.pages_sharing, -1);
}

/* Two scans since the boot with nothing merged are not enough: the first
 * may have begun before the boot ended, and a page needs two looks after
 * its last write. The third settles it. */
static void two_scans_after_the_boot_are_not_enough(void **state)
{
	struct script s = { .nr = 3, .scans = { 11, 12, 13 }, .sharing = { 5, 5, 5 } };
	struct ksm_round out;

	(void)state;
	out = run_script(&s, 120);
	assert_int_equal(out.settled, 1);
	assert_int_equal(s.sleeps, 3);
	assert_int_equal(out.settle_ms, 300);
}

/* Several scans may end between two readings: two readings of the same
 * count never settle, one two scans later does. */
static void scans_between_readings_count(void **state)
{
	struct script s = { .nr = 5,
			    .scans = { 17, 17, 17, 18, 30 },
			    .sharing = { 9, 9, 9, 9, 9 } };
	struct ksm_round out;

	(void)state;
	out = run_script(&s, 120);
	assert_int_equal(out.settled, 1);
	assert_int_equal(s.sleeps, 5);
}

/* pages_sharing still growing at every scan: the cap ends the wait, which
 * says so; its time is the cap (a lower bound of the settle time). */
static void still_merging_hits_the_cap(void **state)
{
	struct script s = { .nr = MAX_STEPS };
	struct ksm_round out;

	(void)state;
	for (unsigned i = 0; i < MAX_STEPS; i++) {
		s.scans[i] = 11 + i;
		s.sharing[i] = 100 * (i + 1);
	}
	out = run_script(&s, 2.0);
	assert_int_equal(out.settled, 0);
	assert_int_equal(out.settle_ms, 2000);
	assert_true(fabs(s.now - 2.0) < 1e-9);
	assert_int_equal(out.ksmd_cpu_ms, cpu_ms(s.sleeps));
}

/* ksmd stuck (no full scan ends): stable pages_sharing alone settles
 * nothing. A cap that is no multiple of the poll is kept to. */
static void no_scan_no_settling(void **state)
{
	struct script s = { .nr = 1, .scans = { 10 }, .sharing = { 42 } };
	struct ksm_round out;

	(void)state;
	out = run_script(&s, 0.25);
	assert_int_equal(out.settled, 0);
	assert_int_equal(out.settle_ms, 250);
	assert_int_equal(s.sleeps, 3);
}

/* --ksm-settle-max 0: no wait, and its figures are missing, not 0. */
static void zero_waits_not_at_all(void **state)
{
	struct script s = { .nr = 1, .scans = { 99 }, .sharing = { 1 } };
	struct ksm_round out;

	(void)state;
	out = run_script(&s, 0);
	assert_int_equal(s.sleeps, 0);
	assert_int_equal(out.settled, -1);
	assert_int_equal(out.settle_ms, -1);
	assert_int_equal(out.ksmd_cpu_ms, -1);
}

struct wait_call {
	struct script *script;
	struct ksm_round out;
};

static int call_wait(void *ctx)
{
	struct wait_call *call = ctx;

	call->out = run_script(call->script, 5);
	return 0;
}

/* Counters that cannot be read end the wait with one line, and no figure;
 * no ksmd process leaves only its CPU time missing. */
static void what_cannot_be_read_is_missing(void **state)
{
	struct script s = { .nr = 3, .scans = { 11, 12, 13 }, .sharing = { 5, 5, 5 } };
	struct wait_call call = { &s, { 0 } };
	char path[512], err[512];

	(void)state;
	write_comm(KSMD_PID, "kthreadd");
	call.out = run_script(&s, 120);
	assert_int_equal(call.out.settled, 1);
	assert_int_equal(call.out.ksmd_cpu_ms, -1);

	snprintf(path, sizeof(path), "%s/sys/kernel/mm/ksm/full_scans", root);
	assert_int_equal(unlink(path), 0);
	s = (struct script){ .nr = 1, .scans = { -1 }, .sharing = { 5 } };
	assert_int_equal(capture_stderr(call_wait, &call, err, sizeof(err)), 0);
	assert_int_equal(s.sleeps, 0);
	assert_int_equal(call.out.settled, -1);
	assert_int_equal(call.out.settle_ms, -1);
	assert_int_equal(call.out.ksmd_cpu_ms, -1);
	if (!strstr(err, "/sys/kernel/mm/ksm: cannot read full_scans") ||
	    strchr(err, '\n') != err + strlen(err) - 1)
		fail_msg("said \"%s\"", err);
}

/* The real clock: a stuck ksmd is waited for as long as the cap, not
 * longer, with CLOCK_MONOTONIC and nanosleep. */
static void the_real_clock_keeps_the_cap(void **state)
{
	struct ksm_round out;
	double start = monotonic_s(), took;

	(void)state;
	ksm_settle_wait(root, 0.3, &ksm_monotonic_clock, &out);
	took = monotonic_s() - start;
	assert_int_equal(out.settled, 0);
	assert_true(out.settle_ms >= 300 && out.settle_ms < 1000);
	assert_true(took >= 0.3 && took < 1.0);
	assert_int_equal(out.ksmd_cpu_ms, 0); /* nobody rewrote ksmd's stat */
}

static void pages_are_read_at_the_sample(void **state)
{
	struct ksm_round out;

	(void)state;
	ksm_round_clear(&out);
	write_ksm("pages_sharing", 1056);
	write_ksm("pages_shared", 1025);
	ksm_read_pages(root, &out);
	assert_int_equal(out.pages_sharing, 1056);
	assert_int_equal(out.pages_shared, 1025);
	assert_int_equal(out.settle_ms, -1);
}

/* loadbench --loaders LIST --out OUT with run as given ("" = no such
 * file); returns its status, *err what it said. */
static int loadbench_with_run(const char *loaders, const char *out, const char *run, char **err)
{
	char path[512];
	const char *argv[] = {
		loadbench_path(), "--kernel", probe_elf_path(), "--instances", "1",
		"--loaders",	  loaders,    "--out",		out,	       NULL
	};
	int status;

	snprintf(path, sizeof(path), "%s/sys/kernel/mm/ksm/run", root);
	if (*run)
		write_text(path, run);
	else
		unlink(path);
	assert_int_equal(setenv(KSM_ROOT_ENV, root, 1), 0);
	status = run_cmd(argv, test_path("lb.out"), test_path("lb.err"), 20);
	unsetenv(KSM_ROOT_ENV);
	*err = slurp(test_path("lb.err"));
	assert_non_null(*err);
	return status;
}

static bool one_line(const char *text)
{
	return *text && strchr(text, '\n') == text + strlen(text) - 1;
}

/* ksmd off or absent: exit 2 and one line naming the loader, the file and
 * the fix, before any round (no --out directory). A loader that does not
 * merge is not held up by it. */
static void a_merging_loader_needs_ksmd(void **state)
{
	/* Said: head, the stand-in root, tail. */
	static const struct {
		const char *loaders, *run, *head, *tail;
	} cases[] = {
		{ "copy,ksm", "0\n", "--loaders ksm: ",
		  "/sys/kernel/mm/ksm/run is 0: ksmd is not running (echo 1 > " },
		{ "mmap-ksm", "2\n",
		  "--loaders mmap-ksm: ", "/sys/kernel/mm/ksm/run is 2: ksmd is not running" },
		{ "ksm", "",
		  "--loaders ksm: ", "/sys/kernel/mm/ksm/run is missing: this kernel has no KSM" },
	};
	char want[512], *err;
	int status;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "%s%s%s", cases[i].head, root, cases[i].tail);
		status = loadbench_with_run(cases[i].loaders, test_path("never"), cases[i].run,
					    &err);
		if (status != 2 || !strstr(err, want) || !one_line(err) ||
		    access(test_path("never"), F_OK) == 0)
			fail_msg("--loaders %s, run '%s': status %d, said \"%s\"", cases[i].loaders,
				 cases[i].run, status, err);
		if (i == 0 && !strstr(err, "/sys/kernel/mm/ksm/run, or use bench/ksm.sh)"))
			fail_msg("no fix in \"%s\"", err);
		free(err);
	}
	/* copy alone goes on past the check, to the next refusal (--out). */
	status = loadbench_with_run("copy", "/proc/kvmlb-no-such-dir", "0\n", &err);
	if (status != 2 || !strstr(err, "/proc/kvmlb-no-such-dir") || strstr(err, "ksm"))
		fail_msg("--loaders copy with ksmd off: status %d, said \"%s\"", status, err);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(settles_once_a_whole_scan_merged_nothing, setup),
		cmocka_unit_test_setup(two_scans_after_the_boot_are_not_enough, setup),
		cmocka_unit_test_setup(scans_between_readings_count, setup),
		cmocka_unit_test_setup(still_merging_hits_the_cap, setup),
		cmocka_unit_test_setup(no_scan_no_settling, setup),
		cmocka_unit_test_setup(zero_waits_not_at_all, setup),
		cmocka_unit_test_setup(the_real_clock_keeps_the_cap, setup),
		cmocka_unit_test_setup(pages_are_read_at_the_sample, setup),
		cmocka_unit_test_setup(what_cannot_be_read_is_missing, setup),
		cmocka_unit_test_setup(a_merging_loader_needs_ksmd, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
