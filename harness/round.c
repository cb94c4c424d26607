// SPDX-License-Identifier: MIT
#include "round.h"
#include "signal_pid.h"

#include "backend.h"
#include "failure_reason.h"
#include "image_cache.h"
#include "kvm_tracefs.h"
#include "log.h"
#include "sharing_log.h"
#include "monotonic.h"
#include "progress_log.h"
#include "seconds.h"
#include "trace_input.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define STOP_GRACE_S 2.0
#define HIGH_FD 10 /* pipes go above the fds the child must own */

/* epoll tags: instance index * 2 + channel. */
enum { CHANNEL_TRACE, CHANNEL_LOG, NR_CHANNELS };
/* tracefs is read this often while guests boot: its stamps are the
 * kernel's, so reading late costs nothing but buffer space. */
#define TRACEFS_POLL_MS 100

struct running {
	struct instance_result *res;
	const struct vmm_backend *backend;
	struct vmm_launch launch;
	int fd[NR_CHANNELS]; /* our read ends; -1 when closed */
	struct line_reader lines[NR_CHANNELS];
	volatile int64_t *zero_ns;    /* CLOCK_MONOTONIC just before exec, by the child */
	struct tracefs_times tracefs; /* what tracefs saw of its process */
	int eof;		      /* the trace channel closed: the VMM has ended */
	int reaped;
	int reported; /* its boot or failure is in progress.log */
	char log_path[512];
};

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int booted(const struct running *r)
{
	return r->res->point_ns[POINT_LINUX_START_USER] >= 0;
}

static void set_failure(struct instance_result *res, enum instance_status status, const char *why)
{
	res->status = status;
	reason_set(res->reason, sizeof(res->reason), why);
}

/* fd becomes target in the child, inheritable (fd < 0: the backend has no
 * such channel). */
static int give_fd(int fd, int target)
{
	return fd < 0 || (dup2(fd, target) == target && fcntl(target, F_SETFD, 0) == 0) ? 0 : -1;
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
	/* Out of the way first: a pipe end may itself sit on fd 3 or 4. */
	trace_w = fcntl(trace_w, F_DUPFD_CLOEXEC, HIGH_FD);
	log_w = log_w >= 0 ? fcntl(log_w, F_DUPFD_CLOEXEC, HIGH_FD) : -2;
	if (trace_w < 0 || log_w == -1 || give_fd(trace_w, TRACE_FD) || give_fd(log_w, VMM_LOG_FD))
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

static int launch(struct running *r)
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

static void take_json(const char *line, void *ctx)
{
	struct running *r = ctx;

	trace_take_json(r->res, line, *r->zero_ns);
}

struct log_arrival {
	struct instance_result *res;
	int64_t ns, real_ns;
};

static void take_log(const char *line, void *ctx)
{
	const struct log_arrival *a = ctx;

	trace_take_qemu_log(a->res, line, a->ns, a->real_ns);
}

/* Port bytes, stamped when they reach us: one read, one arrival. */
static int drain_port_bytes(struct running *r)
{
	unsigned char bytes[64];

	for (;;) {
		ssize_t got = read(r->fd[CHANNEL_TRACE], bytes, sizeof(bytes));
		int64_t ns = clock_ns(CLOCK_MONOTONIC) - *r->zero_ns;

		if (got == 0)
			return 1;
		if (got < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : 1;
		for (ssize_t i = 0; i < got; i++)
			trace_take_port_byte(r->res, bytes[i], ns);
	}
}

/* Reads what a channel has; returns 1 at EOF. */
static int drain(struct running *r, int channel)
{
	struct log_arrival arrival = { r->res, 0, 0 };

	if (channel == CHANNEL_LOG) {
		arrival.ns = clock_ns(CLOCK_MONOTONIC) - *r->zero_ns;
		arrival.real_ns = clock_ns(CLOCK_REALTIME);
		return line_reader_drain(&r->lines[channel], r->fd[channel], take_log, &arrival);
	}
	if (r->backend->trace == TRACE_PORT_BYTES)
		return drain_port_bytes(r);
	return line_reader_drain(&r->lines[channel], r->fd[channel], take_json, r);
}

static void close_channel(struct running *r, int channel, int epfd)
{
	if (r->fd[channel] < 0)
		return;
	epoll_ctl(epfd, EPOLL_CTL_DEL, r->fd[channel], NULL);
	close(r->fd[channel]);
	r->fd[channel] = -1;
}

struct round_state {
	const struct bench_config *config;
	struct running *runs;
	unsigned n;
	struct kvm_tracefs tracefs; /* instance NULL: not used this round */
};

/* The instance whose process has thread tid, or NULL. */
static struct running *owner_of(struct round_state *s, pid_t tid)
{
	char path[64];
	struct stat st;

	for (unsigned i = 0; i < s->n; i++) {
		pid_t pid = s->runs[i].res->pid;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)pid, (int)tid);
		if (pid == tid || stat(path, &st) == 0)
			return &s->runs[i];
	}
	return NULL;
}

static void take_kvm_event(const struct kvm_trace_event *event, void *ctx)
{
	struct running *r = owner_of(ctx, event->tid);

	if (r)
		trace_take_kvm_event(&r->tracefs, event);
}

static unsigned pending(const struct running *runs, unsigned n)
{
	unsigned count = 0;

	for (unsigned i = 0; i < n; i++)
		if (runs[i].fd[CHANNEL_TRACE] >= 0 && !booted(&runs[i]))
			count++;
	return count;
}

static void watch(int epfd, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* One line per instance as it boots or fails: a long round with many
 * guests keeps showing life to whoever watches progress.log. */
static void report(const struct round_state *s, struct running *r, const char *what)
{
	const struct instance_result *res = r->res;

	if (r->reported)
		return;
	r->reported = 1;
	progress_log_event(
		s->config->progress, "instance loader=%s instances=%u round=%u index=%u %s",
		s->config->loaders[res->loader], res->instances, res->round, res->index, what);
}

static void handle(struct round_state *s, uint64_t tag, int epfd)
{
	struct running *r;
	int channel;

	r = &s->runs[tag / NR_CHANNELS];
	channel = (int)(tag % NR_CHANNELS);
	if (drain(r, channel)) {
		r->eof |= channel == CHANNEL_TRACE;
		close_channel(r, channel, epfd);
	}
	if (booted(r))
		report(s, r, "booted");
	else if (r->eof)
		report(s, r, "ended");
}

/* epoll until every instance booted, hit EOF, or the deadline passed;
 * then what is still in the pipes (QEMU's log, late KVM events). */
static void follow_traces(struct round_state *s, double deadline_s)
{
	struct running *runs = s->runs;
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event events[64];

	for (unsigned i = 0; i < s->n; i++)
		for (int c = 0; c < NR_CHANNELS; c++)
			watch(epfd, runs[i].fd[c], (uint64_t)i * NR_CHANNELS + (uint64_t)c);
	while (pending(runs, s->n) > 0) {
		int left_ms = seconds_to_ms_up(deadline_s - monotonic_s());
		int ready;

		if (left_ms <= 0)
			break;
		if (s->tracefs.instance && left_ms > TRACEFS_POLL_MS)
			left_ms = TRACEFS_POLL_MS;
		ready = epoll_wait(epfd, events, 64, left_ms);
		kvm_tracefs_drain(&s->tracefs, take_kvm_event, s);
		for (int e = 0; e < ready; e++)
			handle(s, events[e].data.u64, epfd);
	}
	kvm_tracefs_drain(&s->tracefs, take_kvm_event, s);
	for (unsigned i = 0; i < s->n; i++) {
		struct running *r = &runs[i];

		if (r->fd[CHANNEL_LOG] >= 0)
			drain(r, CHANNEL_LOG);
		if (!booted(r) && !r->eof && r->res->status == INSTANCE_OK)
			set_failure(r->res, INSTANCE_TIMEOUT,
				    "no linux_start_user before the timeout");
		report(s, r, booted(r) ? "booted" : instance_status_name(r->res->status));
		for (int c = 0; c < NR_CHANNELS; c++)
			close_channel(r, c, epfd);
		if (r->backend->log_channel)
			trace_finish_qemu(r->res);
		if (r->res->pid > 0)
			trace_settle(r->res, &r->tracefs, *r->zero_ns);
	}
	close(epfd);
}

static void record_exit(struct running *r, int status, const struct rusage *ru)
{
	char why[sizeof(r->res->reason)];

	r->reaped = 1;
	r->res->minor_faults = ru->ru_minflt;
	r->res->user_ms = (double)ru->ru_utime.tv_sec * 1e3 + (double)ru->ru_utime.tv_usec / 1e3;
	r->res->system_ms = (double)ru->ru_stime.tv_sec * 1e3 + (double)ru->ru_stime.tv_usec / 1e3;
	if (booted(r))
		return;
	/* The VMM's stderr, or its guest's console when that says nothing. */
	reason_exit(why, sizeof(why), status, r->log_path, r->launch.serial);
	if (r->res->status == INSTANCE_OK)
		set_failure(r->res, INSTANCE_EXITED, why);
}

/* SIGTERM, a grace period, then SIGKILL; reaps everything with rusage. */
static void stop_all(struct running *runs, unsigned n)
{
	double deadline = monotonic_s() + STOP_GRACE_S;
	unsigned left = 0;

	for (unsigned i = 0; i < n; i++)
		if (runs[i].res->pid > 0 && !runs[i].reaped) {
			signal_pid(runs[i].res->pid, SIGTERM);
			left++;
		}
	while (left > 0) {
		int forced = monotonic_s() > deadline;

		for (unsigned i = 0; i < n; i++) {
			struct running *r = &runs[i];
			struct rusage ru;
			int status;

			if (r->res->pid <= 0 || r->reaped)
				continue;
			if (forced)
				signal_pid(r->res->pid, SIGKILL);
			if (wait4(r->res->pid, &status, forced ? 0 : WNOHANG, &ru) == r->res->pid) {
				record_exit(r, status, &ru);
				left--;
			}
		}
		if (left > 0)
			usleep(2000);
	}
}

/* An instance that ended during the settle time cannot be sampled. */
static void reap_exited(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct running *r = &runs[i];
		struct rusage ru;
		char why[64];
		int status;

		if (r->res->pid <= 0 || r->reaped ||
		    wait4(r->res->pid, &status, WNOHANG, &ru) != r->res->pid)
			continue;
		record_exit(r, status, &ru);
		snprintf(why, sizeof(why), "%s ended before sampling", r->backend->name);
		if (booted(r))
			set_failure(r->res, INSTANCE_NO_SAMPLE, why);
	}
}

static void sample(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct instance_result *res = runs[i].res;

		if (!booted(&runs[i]) || res->status != INSTANCE_OK)
			continue;
		if (smaps_read_pid(res->pid, &res->smaps) != 0) {
			set_failure(res, INSTANCE_NO_SAMPLE, strerror(errno));
			continue;
		}
		res->uss_kb = smaps_uss_kb(&res->smaps);
	}
}

/* Page-level attribution, after the timed sampling so it does not count. */
static void attribute_pages(const struct bench_config *config, struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (runs[i].res->status == INSTANCE_OK)
			sharing_log_instance(config->sharing, config->loaders[runs[i].res->loader],
					     runs[i].res);
}

static void init_instance(const struct bench_config *config, struct running *r,
			  struct instance_result *res, unsigned loader, unsigned n, unsigned round,
			  unsigned index)
{
	memset(r, 0, sizeof(*r));
	instance_result_clear(res);
	tracefs_times_clear(&r->tracefs);
	r->res = res;
	r->backend = loader_backend(config, loader);
	for (int c = 0; c < NR_CHANNELS; c++)
		r->fd[c] = -1;
	res->loader = loader;
	res->instances = n;
	res->round = round;
	res->index = index;
	snprintf(r->log_path, sizeof(r->log_path), "%s/logs/%s-n%u-r%u-i%u.log", config->out_dir,
		 config->loaders[loader], n, round, index);
	snprintf(r->launch.serial, sizeof(r->launch.serial), "%s/logs/%s-n%u-r%u-i%u.serial",
		 config->out_dir, config->loaders[loader], n, round, index);
}

/* The backend's argv and the instance's own files, before the clock runs. */
static int prepare(const struct bench_config *config, struct running *r, unsigned loader)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "n%u-r%u-i%u", r->res->instances, r->res->round, r->res->index);
	if (r->backend->prepare(config, loader, tag, &r->launch) == 0)
		return 0;
	set_failure(r->res, INSTANCE_LAUNCH_FAILED, "could not prepare the instance's files");
	return -1;
}

static void finish_instances(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct instance_result *res = runs[i].res;

		runs[i].backend->cleanup(&runs[i].launch);
		/* Keep the VMM's stderr and console only where they explain a failure. */
		if (res->status == INSTANCE_OK) {
			unlink(runs[i].log_path);
			unlink(runs[i].launch.serial);
		}
	}
}

/* The seed's definitions for every VMM (kvm_tracefs.h), where tracefs
 * allows it; else each VMM's own stamps and arrivals, on the pre-exec zero. */
static void open_tracefs(const struct bench_config *config, struct round_state *s)
{
	static int warned;

	if (!s->n || !config->tracefs_timing)
		return;
	if (kvm_tracefs_open(&s->tracefs, config->first_rips, config->nr_first_rips) != 0 &&
	    !warned++)
		pr_errno("tracefs: cannot record the VMMs' exec, first KVM_RUN and port writes; "
			 "times fall back to their own stamps (raw.csv's *_timed_by)");
}

int round_run(const struct bench_config *config, unsigned int loader, unsigned int n,
	      unsigned int round, struct instance_result *results, struct round_timing *timing)
{
	struct round_state s = {
		config, calloc(n, sizeof(struct running)), n, { .instance = NULL, .slot = -1 }
	};
	int64_t *zeros = mmap(NULL, (n + 1) * sizeof(int64_t), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double start, booted_at, sample_start;
	int launched = 0;

	if (!s.runs || zeros == MAP_FAILED) {
		pr_err("out of memory for %u instances", n);
		free(s.runs);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		init_instance(config, &s.runs[i], &results[i], loader, n, round, i);
		s.runs[i].zero_ns = &zeros[i];
	}
	for (unsigned i = 0; i < n; i++)
		prepare(config, &s.runs[i], loader);
	open_tracefs(config, &s);
	/* Last before the launch: the instances' own files (qemu-private's
	 * copies) are made, and nothing reads the images until the VMMs do. */
	timing->resident_pages =
		config->image_cache ? image_cache_before_launch(config->image_cache, config) : -1;
	start = monotonic_s();
	for (unsigned i = 0; i < n; i++)
		if (results[i].status == INSTANCE_OK)
			launched += launch(&s.runs[i]) == 0;
	timing->launch_ms = (monotonic_s() - start) * 1e3;
	follow_traces(&s, start + config->timeout_s);
	kvm_tracefs_close(&s.tracefs);
	booted_at = monotonic_s();
	timing->boot_ms = (booted_at - start) * 1e3;
	if (config->settle_s > 0)
		sleep_s(config->settle_s);
	reap_exited(s.runs, n);
	sample_start = monotonic_s();
	sample(s.runs, n);
	timing->sample_ms = (monotonic_s() - sample_start) * 1e3;
	attribute_pages(config, s.runs, n);
	stop_all(s.runs, n);
	finish_instances(s.runs, n);
	munmap(zeros, (n + 1) * sizeof(int64_t));
	free(s.runs);
	return launched > 0 ? 0 : -1;
}
