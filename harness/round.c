// SPDX-License-Identifier: MIT
#include "round.h"

#include "log.h"
#include "monotonic.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRACE_FD 3 /* loadvm writes its trace to /proc/self/fd/3 */
#define STOP_GRACE_S 2.0

struct running {
	struct instance_result *res;
	int trace_fd; /* -1 once at EOF */
	char line[512];
	size_t used;
	int booted;
	int eof; /* loadvm closed its trace: it has ended */
	int reaped;
	char log_path[512];
};

static void set_failure(struct instance_result *res, enum instance_status status, const char *why)
{
	res->status = status;
	snprintf(res->reason, sizeof(res->reason), "%s", why);
}

static void child_exec(const struct bench_config *config, const char *loader, int trace_w,
		       const char *log_path, pid_t parent)
{
	char mem[16], vcpus[16];
	const char *argv[24];
	int argc = 0, log_fd, null_fd;

	/* No guest outlives the harness, even if it is SIGKILLed. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	if (dup2(trace_w, TRACE_FD) < 0 || fcntl(TRACE_FD, F_SETFD, 0) < 0)
		_exit(125);
	null_fd = open("/dev/null", O_RDWR);
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (null_fd < 0 || log_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 ||
	    dup2(log_fd, 2) < 0)
		_exit(125);
	snprintf(mem, sizeof(mem), "%u", config->mem_mib);
	snprintf(vcpus, sizeof(vcpus), "%u", config->vcpus);
	argv[argc++] = config->loadvm;
	argv[argc++] = "--kernel";
	argv[argc++] = config->kernel;
	argv[argc++] = "--loader";
	argv[argc++] = loader;
	argv[argc++] = "--mem";
	argv[argc++] = mem;
	argv[argc++] = "--vcpus";
	argv[argc++] = vcpus;
	argv[argc++] = "--trace";
	argv[argc++] = "/proc/self/fd/3"; /* /dev/fd is missing in a bare rig */
	if (config->initrd) {
		argv[argc++] = "--initrd";
		argv[argc++] = config->initrd;
	}
	if (config->cmdline) {
		argv[argc++] = "--cmdline";
		argv[argc++] = config->cmdline;
	}
	if (config->break_symbol) {
		argv[argc++] = "--break-symbol";
		argv[argc++] = config->break_symbol;
	}
	if (config->system_map) {
		argv[argc++] = "--system-map";
		argv[argc++] = config->system_map;
	}
	argv[argc] = NULL;
	execv(config->loadvm, (char *const *)argv);
	dprintf(2, "loadbench: exec %s: %s\n", config->loadvm, strerror(errno));
	_exit(125);
}

static int launch(const struct bench_config *config, unsigned int loader, struct running *r)
{
	int fds[2];
	pid_t parent = getpid(), pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		set_failure(r->res, INSTANCE_LAUNCH_FAILED, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child_exec(config, config->loaders[loader], fds[1], r->log_path, parent);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		set_failure(r->res, INSTANCE_LAUNCH_FAILED, strerror(errno));
		return -1;
	}
	r->res->pid = pid;
	r->trace_fd = fds[0];
	fcntl(r->trace_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* {"name":"linux_start_user","value":7,"ns":123} */
static void take_line(struct running *r, const char *line)
{
	char name[64];
	unsigned long long ns;
	const char *at = strstr(line, "\"ns\":");
	const char *source = strstr(line, "\"source\":\"");
	int point;

	/* A "missing" record has "ns":null and fails here: no point, as it says. */
	if (sscanf(line, "{\"name\":\"%63[^\"]\"", name) != 1 || !at ||
	    sscanf(at + 5, "%llu", &ns) != 1)
		return;
	point = bench_point_from_name(name);
	if (point < 0 || r->res->point_ns[point] >= 0)
		return; /* unknown points are not tabulated; keep the first of each */
	r->res->point_ns[point] = (int64_t)ns;
	if (!source || sscanf(source + 10, "%11[a-z]", r->res->point_source[point]) != 1)
		snprintf(r->res->point_source[point], sizeof(r->res->point_source[point]), "?");
	if (point == POINT_LINUX_START_USER)
		r->booted = 1;
}

/* Reads what the pipe has; returns 1 at EOF. */
static int drain(struct running *r)
{
	for (;;) {
		ssize_t got = read(r->trace_fd, r->line + r->used, sizeof(r->line) - 1 - r->used);
		char *nl;

		if (got == 0)
			return 1;
		if (got < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : 1;
		r->used += (size_t)got;
		r->line[r->used] = '\0';
		while ((nl = strchr(r->line, '\n')) != NULL) {
			*nl = '\0';
			take_line(r, r->line);
			r->used -= (size_t)(nl + 1 - r->line);
			memmove(r->line, nl + 1, r->used + 1);
		}
		if (r->used == sizeof(r->line) - 1)
			r->used = 0; /* an overlong line is garbage: drop it */
	}
}

static void close_trace(struct running *r, int epfd)
{
	if (r->trace_fd < 0)
		return;
	epoll_ctl(epfd, EPOLL_CTL_DEL, r->trace_fd, NULL);
	close(r->trace_fd);
	r->trace_fd = -1;
}

static unsigned pending(const struct running *runs, unsigned n)
{
	unsigned count = 0;

	for (unsigned i = 0; i < n; i++)
		if (runs[i].trace_fd >= 0 && !runs[i].booted)
			count++;
	return count;
}

/* epoll until every instance booted, hit EOF, or the deadline passed. */
static void follow_traces(struct running *runs, unsigned n, double deadline_s)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event events[64];

	for (unsigned i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		if (runs[i].trace_fd >= 0)
			epoll_ctl(epfd, EPOLL_CTL_ADD, runs[i].trace_fd, &ev);
	}
	while (pending(runs, n) > 0) {
		double left_ms = (deadline_s - monotonic_s()) * 1000.0;
		int ready;

		if (left_ms <= 0)
			break;
		ready = epoll_wait(epfd, events, 64, (int)left_ms + 1);
		for (int e = 0; e < ready; e++) {
			struct running *r = &runs[events[e].data.u32];

			if (drain(r)) {
				r->eof = 1;
				close_trace(r, epfd);
			}
		}
	}
	for (unsigned i = 0; i < n; i++) {
		if (!runs[i].booted && !runs[i].eof && runs[i].res->status == INSTANCE_OK)
			set_failure(runs[i].res, INSTANCE_TIMEOUT,
				    "no linux_start_user before the timeout");
		close_trace(&runs[i], epfd);
	}
	close(epfd);
}

static void last_log_line(const char *path, char *out, size_t size)
{
	char buf[1024];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f))
		if (buf[0] != '\n')
			snprintf(out, size, "%.*s", (int)size - 1, buf);
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

static void record_exit(struct running *r, int status, const struct rusage *ru)
{
	char why[sizeof(r->res->reason)], line[96];

	r->reaped = 1;
	r->res->minor_faults = ru->ru_minflt;
	r->res->user_ms = (double)ru->ru_utime.tv_sec * 1e3 + (double)ru->ru_utime.tv_usec / 1e3;
	r->res->system_ms = (double)ru->ru_stime.tv_sec * 1e3 + (double)ru->ru_stime.tv_usec / 1e3;
	if (r->booted)
		return;
	last_log_line(r->log_path, line, sizeof(line));
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "exit %d%s%s", WEXITSTATUS(status), line[0] ? ": " : "",
			 line);
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
			kill(runs[i].res->pid, SIGTERM);
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
				kill(r->res->pid, SIGKILL);
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
		int status;

		if (r->res->pid <= 0 || r->reaped ||
		    wait4(r->res->pid, &status, WNOHANG, &ru) != r->res->pid)
			continue;
		record_exit(r, status, &ru);
		if (r->booted)
			set_failure(r->res, INSTANCE_NO_SAMPLE, "loadvm ended before sampling");
	}
}

static void sample(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct instance_result *res = runs[i].res;

		if (!runs[i].booted || res->status != INSTANCE_OK)
			continue;
		if (smaps_read_pid(res->pid, &res->smaps) != 0) {
			set_failure(res, INSTANCE_NO_SAMPLE, strerror(errno));
			continue;
		}
		res->uss_kb = smaps_uss_kb(&res->smaps);
	}
}

static void init_instance(const struct bench_config *config, struct running *r,
			  struct instance_result *res, unsigned loader, unsigned n, unsigned round,
			  unsigned index)
{
	memset(r, 0, sizeof(*r));
	memset(res, 0, sizeof(*res));
	r->res = res;
	r->trace_fd = -1;
	res->loader = loader;
	res->instances = n;
	res->round = round;
	res->index = index;
	res->uss_kb = -1;
	for (int p = 0; p < NR_POINTS; p++)
		res->point_ns[p] = -1;
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		res->smaps.kb[f] = -1;
	snprintf(r->log_path, sizeof(r->log_path), "%s/logs/%s-n%u-r%u-i%u.log", config->out_dir,
		 config->loaders[loader], n, round, index);
}

static void finish_instances(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct instance_result *res = runs[i].res;

		/* Keep loadvm's stderr only where it explains a failure. */
		if (res->status == INSTANCE_OK)
			unlink(runs[i].log_path);
	}
}

int round_run(const struct bench_config *config, unsigned int loader, unsigned int n,
	      unsigned int round, struct instance_result *results, struct round_timing *timing)
{
	struct running *runs = calloc(n, sizeof(*runs));
	double start = monotonic_s(), booted_at, sample_start;
	int launched = 0;

	if (!runs) {
		pr_err("out of memory for %u instances", n);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		init_instance(config, &runs[i], &results[i], loader, n, round, i);
		launched += launch(config, loader, &runs[i]) == 0;
	}
	timing->launch_ms = (monotonic_s() - start) * 1e3;
	follow_traces(runs, n, start + config->timeout_s);
	booted_at = monotonic_s();
	timing->boot_ms = (booted_at - start) * 1e3;
	if (config->settle_s > 0)
		usleep((useconds_t)(config->settle_s * 1e6));
	reap_exited(runs, n);
	sample_start = monotonic_s();
	sample(runs, n);
	timing->sample_ms = (monotonic_s() - sample_start) * 1e3;
	stop_all(runs, n);
	finish_instances(runs, n);
	free(runs);
	return launched > 0 ? 0 : -1;
}
