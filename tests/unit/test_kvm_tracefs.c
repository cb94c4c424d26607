// SPDX-License-Identifier: MIT
/*
 * loadbench's tracefs instance against the running kernel: a child's exec
 * comes back as a binary record with the child's pid and a CLOCK_MONOTONIC
 * stamp between fork and wait, reading never blocks, and closing removes
 * the instance. Needs root and tracefs with the kvm events (kvm module
 * loaded): exits 77 (skipped) with the reason otherwise.
 */
#include "../support/test_main.h"

#include "kvm_tracefs.h"
#include "tracefs_lost.h"

#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct seen {
	pid_t pid;
	int execs;
	int64_t exec_ns;
	int others;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void take(const struct kvm_trace_event *event, void *ctx)
{
	struct seen *s = ctx;

	if (event->kind != KVM_TRACE_EXEC) {
		s->others++;
		return;
	}
	if (event->tid == s->pid) {
		s->execs++;
		s->exec_ns = event->mono_ns;
	}
}

static pid_t run_true(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void an_exec_comes_back_with_its_pid_and_time(void **state)
{
	/* No guest runs here: these RIPs only make the kvm_entry filter. */
	const uint64_t rips[] = { 0x1000000, 0xfff0 };
	struct kvm_tracefs t;
	struct seen seen = { 0 };
	struct stat st;
	int64_t before, after, start;
	char dir[sizeof(t.dir)];
	int status;

	(void)state;
	assert_int_equal(kvm_tracefs_open(&t, rips, 2), 0);
	snprintf(dir, sizeof(dir), "%s", t.dir);
	assert_int_equal(stat(dir, &st), 0);
	before = mono_ns();
	seen.pid = run_true();
	assert_true(seen.pid > 0);
	assert_int_equal(waitpid(seen.pid, &status, 0), seen.pid);
	after = mono_ns();
	start = mono_ns();
	kvm_tracefs_drain(&t, take, &seen);
	assert_true(mono_ns() - start < 1000000000); /* it read, it did not wait */
	assert_int_equal(seen.execs, 1);
	assert_true(seen.exec_ns > before);
	assert_true(seen.exec_ns < after);
	assert_int_equal(seen.others, 0); /* no guest, no kvm event */
	/* Read once: a second drain finds nothing new. */
	seen.execs = 0;
	kvm_tracefs_drain(&t, take, &seen);
	assert_int_equal(seen.execs, 0);
	assert_int_equal(tracefs_lost_events(t.dir), 0);
	kvm_tracefs_close(&t);
	assert_int_equal(stat(dir, &st), -1);
	assert_null(t.instance);
}

/* A ring buffer of one page per CPU cannot hold a few hundred execs that
 * nobody reads: the instance's stats count what it lost. */
static void a_full_buffer_counts_its_losses(void **state)
{
	const uint64_t rips[] = { 0xfff0 };
	struct kvm_tracefs t;
	char path[sizeof(t.dir) + 32];
	FILE *f;
	int status;

	(void)state;
	assert_int_equal(kvm_tracefs_open(&t, rips, 1), 0);
	snprintf(path, sizeof(path), "%s/buffer_size_kb", t.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs("4", f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(tracefs_lost_events(t.dir), 0);
	for (int i = 0; i < 400; i++) {
		pid_t pid = run_true();

		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
	}
	assert_true(tracefs_lost_events(t.dir) > 0);
	kvm_tracefs_close(&t);
	assert_int_equal(tracefs_lost_events(t.dir), -1); /* gone with the instance */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_exec_comes_back_with_its_pid_and_time),
		cmocka_unit_test(a_full_buffer_counts_its_losses),
	};
	const char *why = kvm_tracefs_unavailable();

	if (why) {
		printf("# skipped: %s\n", why);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
