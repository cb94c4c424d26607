// SPDX-License-Identifier: MIT
/* A round's event loop: the VMMs' trace channels by epoll, tracefs by
 * polling, each event to the instance it belongs to. */
#include "round_internal.h"

#include "bench_config.h"
#include "monotonic.h"
#include "progress_log.h"
#include "seconds.h"

#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

/* tracefs is read this often while guests boot: its stamps are the
 * kernel's, so reading late costs nothing but buffer space. */
#define TRACEFS_POLL_MS 100

static void take_json(const char *line, void *ctx)
{
	struct running *r = ctx;

	trace_take_json(r->res, line, *r->zero_ns);
}

/* A line of the VMM's own log, to its backend with when it arrived. */
struct log_arrival {
	const struct running *r;
	int64_t ns, real_ns;
};

static void take_log(const char *line, void *ctx)
{
	const struct log_arrival *a = ctx;

	if (a->r->backend->log_line)
		a->r->backend->log_line(a->r->res, line, a->ns, a->real_ns);
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
	struct log_arrival arrival = { r, 0, 0 };

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
 * then what is still in the pipes (a VMM's log, late KVM events). */
void round_follow_traces(struct round_state *s, double deadline_s)
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
		if (r->backend->finish)
			r->backend->finish(r->res);
		if (r->res->pid > 0)
			trace_settle(r->res, r->backend, &r->tracefs, *r->zero_ns);
	}
	close(epfd);
}
