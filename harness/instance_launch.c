// SPDX-License-Identifier: MIT
/* One instance's launch: its channels' pipes, fork, the child's fds (the
 * channels and the instance's own, struct vmm_launch.fds) and the pre-exec
 * zero, exec. */
#include "round_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define HIGH_FD 10 /* pipes and passed fds go above the fds the child must own */
_Static_assert(VMM_FIRST_PASSED_FD + VMM_MAX_FDS <= HIGH_FD, "passed fds collide with HIGH_FD");

/* fd becomes target in the child, inheritable (fd < 0: the backend has no
 * such channel). */
static int give_fd(int fd, int target)
{
	return fd < 0 || (dup2(fd, target) == target && fcntl(target, F_SETFD, 0) == 0) ? 0 : -1;
}

/* The child's own fds: the trace channel on TRACE_FD, the log channel
 * (log_w >= 0) on VMM_LOG_FD, the launch's fds from VMM_FIRST_PASSED_FD on.
 * Every one is moved out of the way first: a pipe end or a memfd may
 * itself sit on a target. */
static int give_fds(const struct vmm_launch *launch, int trace_w, int log_w)
{
	int from[2 + VMM_MAX_FDS], to[2 + VMM_MAX_FDS];
	unsigned n = 0;

	from[n] = trace_w;
	to[n++] = TRACE_FD;
	if (log_w >= 0) {
		from[n] = log_w;
		to[n++] = VMM_LOG_FD;
	}
	for (unsigned i = 0; i < launch->nr_fds; i++) {
		from[n] = launch->fds[i];
		to[n++] = VMM_FIRST_PASSED_FD + (int)i;
	}
	for (unsigned i = 0; i < n; i++)
		if ((from[i] = fcntl(from[i], F_DUPFD_CLOEXEC, HIGH_FD)) < 0)
			return -1;
	for (unsigned i = 0; i < n; i++)
		if (give_fd(from[i], to[i]))
			return -1;
	return 0;
}

/* The pre-exec zero is taken here, the last thing before exec; where
 * tracefs sees the exec itself (sched_process_exec, the seed's zero),
 * trace_settle moves every time to it. */
static void child_exec(struct running *r, int trace_w, int log_w, pid_t parent)
{
	int log_fd, null_fd;

	/* No guest outlives the harness, even if it is SIGKILLed. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	if (give_fds(&r->launch, trace_w, log_w))
		_exit(125);
	null_fd = open("/dev/null", O_RDWR);
	log_fd = open(r->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (null_fd < 0 || log_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 ||
	    dup2(log_fd, 2) < 0)
		_exit(125);
	*r->zero_ns = clock_ns(CLOCK_MONOTONIC);
	execv(r->launch.argv[0], (char *const *)r->launch.argv);
	dprintf(2, "loadbench: exec %s: %s\n", r->launch.argv[0], strerror(errno));
	_exit(125);
}

int instance_launch(struct running *r)
{
	int trace[2] = { -1, -1 }, log[2] = { -1, -1 };
	pid_t parent = getpid(), pid;

	if (pipe2(trace, O_CLOEXEC) != 0 || (r->backend->log_channel && pipe2(log, O_CLOEXEC))) {
		set_failure(r->res, INSTANCE_LAUNCH_FAILED, strerror(errno));
		for (int i = 0; i < 2; i++)
			if (trace[i] >= 0)
				close(trace[i]);
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child_exec(r, trace[1], log[1], parent);
	/* The child has its own: what they hold now lives as long as it. */
	launch_close_fds(&r->launch);
	close(trace[1]);
	if (log[1] >= 0)
		close(log[1]);
	r->fd[CHANNEL_TRACE] = trace[0];
	r->fd[CHANNEL_LOG] = log[0];
	if (pid < 0) {
		set_failure(r->res, INSTANCE_LAUNCH_FAILED, strerror(errno));
		return -1;
	}
	r->res->pid = pid;
	for (int c = 0; c < NR_CHANNELS; c++)
		if (r->fd[c] >= 0)
			fcntl(r->fd[c], F_SETFL, O_NONBLOCK);
	return 0;
}
