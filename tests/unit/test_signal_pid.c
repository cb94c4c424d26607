// SPDX-License-Identifier: MIT
/*
 * signal_pid() never turns a pid that is not a process into kill(0) (our
 * whole process group: the test runner and make) or kill(-1) (as root,
 * every process). A child in our process group counts the signals it gets;
 * SIGURG is ignored by default, so a broken signal_pid would disturb no
 * other process on the machine.
 */
#include "../support/test_main.h"

#include "signal_pid.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

struct witness {
	pid_t pid;
	int report; /* read end: one byte per SIGURG the child received */
};

static volatile sig_atomic_t received;

static void count(int sig)
{
	(void)sig;
	received++;
}

/* The child waits for SIGTERM, then writes how many SIGURGs it saw. */
static void start_witness(struct witness *w)
{
	int fds[2];
	sigset_t all;

	assert_int_equal(pipe(fds), 0);
	sigemptyset(&all);
	sigaddset(&all, SIGURG);
	sigaddset(&all, SIGTERM);
	sigprocmask(SIG_BLOCK, &all, NULL);
	w->pid = fork();
	assert_true(w->pid >= 0);
	if (w->pid == 0) {
		struct sigaction sa = { .sa_handler = count };
		sigset_t none;
		int sig;

		close(fds[0]);
		/* Never outlive a test whose assertion failed before stop_witness(). */
		alarm(10);
		sigaction(SIGURG, &sa, NULL);
		sigemptyset(&none);
		sigaddset(&none, SIGTERM);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		sigprocmask(SIG_BLOCK, &none, NULL);
		sigwait(&none, &sig);
		char n = (char)received;
		_exit(write(fds[1], &n, 1) == 1 ? 0 : 1);
	}
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	close(fds[1]);
	w->report = fds[0];
	/* Let the child install its handler before anything is sent. */
	usleep(100 * 1000);
}

static int stop_witness(struct witness *w)
{
	char n = -1;
	int status;

	assert_int_equal(kill(w->pid, SIGTERM), 0);
	assert_int_equal(read(w->report, &n, 1), 1);
	close(w->report);
	assert_int_equal(waitpid(w->pid, &status, 0), w->pid);
	return n;
}

static void refuses(pid_t pid)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	struct witness w;

	/* Should a broken signal_pid reach our own group, we must survive it. */
	sigaction(SIGURG, &ignore, &old);
	start_witness(&w);
	errno = 0;
	int sent = signal_pid(pid, SIGURG);
	int err = errno;

	usleep(100 * 1000);
	int seen = stop_witness(&w);

	sigaction(SIGURG, &old, NULL);
	assert_int_equal(sent, -1);
	assert_int_equal(err, EINVAL);
	assert_int_equal(seen, 0);
}

static void pid_zero_signals_nobody(void **state)
{
	(void)state;
	refuses(0);
}

static void pid_minus_one_signals_nobody(void **state)
{
	(void)state;
	refuses(-1);
}

static void other_negative_pids_are_refused(void **state)
{
	(void)state;
	/* kill(-pgid) would signal a whole group: ours is -getpgrp(). */
	refuses(-getpgrp());
}

static void a_real_pid_gets_the_signal(void **state)
{
	struct witness w;

	(void)state;
	start_witness(&w);
	assert_int_equal(signal_pid(w.pid, SIGURG), 0);
	usleep(100 * 1000);
	assert_int_equal(stop_witness(&w), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pid_zero_signals_nobody),
		cmocka_unit_test(pid_minus_one_signals_nobody),
		cmocka_unit_test(other_negative_pids_are_refused),
		cmocka_unit_test(a_real_pid_gets_the_signal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
