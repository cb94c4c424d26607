// SPDX-License-Identifier: MIT
#include "kvm_tracefs.h"

#include "trace_port.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing"
#define TRACEFS_OLD "/sys/kernel/debug/tracing"
#define RESET_VECTOR_IP "0xfff0" /* where every vCPU 0 starts: firmware's reset vector */
#define BUFFER_KB "256"		 /* per CPU; the filters let a handful of events through */
#define MAX_LIVE 4		 /* instances open at once; a round opens one */

/* The open instances, for kvm_tracefs_interrupted(): a signal handler can
 * format nothing, so each instance's paths are prepared when it is made. */
static struct {
	char dir[PATH_MAX];
	char enable[PATH_MAX + 16];
	int pipe_fd;
	volatile sig_atomic_t live;
} live_instances[MAX_LIVE];

static int is_tracefs(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/instances", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Mounted where systemd mounts it, under debugfs on older set-ups, or by
 * us (as root, on a system that mounts none). */
const char *kvm_tracefs_root(void)
{
	if (is_tracefs(TRACEFS))
		return TRACEFS;
	if (is_tracefs(TRACEFS_OLD))
		return TRACEFS_OLD;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0 && is_tracefs(TRACEFS))
		return TRACEFS;
	return NULL;
}

static int file_has(const char *path, const char *needle)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static int root_file_has(const char *root, const char *name, const char *needle)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return file_has(path, needle);
}

const char *kvm_tracefs_unavailable(void)
{
	const char *root;

	if (geteuid() != 0)
		return "not root (tracefs needs root)";
	root = kvm_tracefs_root();
	if (!root)
		return "no tracefs (not mounted, and mounting it failed)";
	if (!root_file_has(root, "trace_clock", "mono"))
		return "tracefs has no mono trace clock";
	if (!root_file_has(root, "events/kvm/kvm_entry/format", "field:unsigned long rip") ||
	    !root_file_has(root, "events/kvm/kvm_entry/format", "vcpu_id"))
		return "no kvm:kvm_entry event with vcpu_id and rip (kvm module not loaded?)";
	if (!root_file_has(root, "events/kvm/kvm_pio/format", "port"))
		return "no kvm:kvm_pio event";
	return NULL;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* SIGINT and SIGTERM wait while an instance is made or removed: the
 * handler finds none, or one whose only open file is the trace_pipe it
 * knows (any other open file of the instance makes rmdir fail, EBUSY). */
static void hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void release_signals(const sigset_t *old)
{
	int err = errno;

	sigprocmask(SIG_SETMASK, old, NULL);
	errno = err;
}

static int claim_slot(const char *dir)
{
	for (int s = 0; s < MAX_LIVE; s++) {
		if (live_instances[s].live)
			continue;
		snprintf(live_instances[s].dir, sizeof(live_instances[s].dir), "%s", dir);
		snprintf(live_instances[s].enable, sizeof(live_instances[s].enable),
			 "%s/events/enable", dir);
		live_instances[s].pipe_fd = -1;
		live_instances[s].live = 1;
		return s;
	}
	return -1;
}

static int open_pipe(struct kvm_tracefs *t)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/trace_pipe", t->dir);
	t->pipe_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	live_instances[t->slot].pipe_fd = t->pipe_fd;
	return t->pipe_fd < 0 ? -1 : 0;
}

int kvm_tracefs_remove(const char *dir)
{
	write_file(dir, "events/enable", "0");
	return rmdir(dir); /* the instance and its buffers go with it */
}

static void close_instance(struct kvm_tracefs *t)
{
	if (!t->dir[0])
		return;
	/* An open trace_pipe holds the instance: rmdir would fail (EBUSY). */
	if (t->pipe_fd >= 0)
		close(t->pipe_fd);
	t->pipe_fd = -1;
	kvm_tracefs_remove(t->dir);
	live_instances[t->slot].live = 0;
	t->slot = -1;
	t->dir[0] = '\0';
}

static int open_instance(struct kvm_tracefs *t)
{
	static unsigned serial;
	const char *root = kvm_tracefs_root();
	char pio_filter[64];

	if (!root) {
		errno = ENOENT;
		return -1;
	}
	snprintf(t->dir, sizeof(t->dir), "%s/instances/loadbench-%d-%u", root, (int)getpid(),
		 serial++);
	t->slot = claim_slot(t->dir);
	if (t->slot < 0 || mkdir(t->dir, 0700) != 0) {
		int err = t->slot < 0 ? EMFILE : errno;

		if (t->slot >= 0)
			live_instances[t->slot].live = 0;
		t->slot = -1;
		t->dir[0] = '\0';
		errno = err;
		return -1;
	}
	snprintf(pio_filter, sizeof(pio_filter), "rw == 1 && port == %#x", TRACE_PORT);
	if (write_file(t->dir, "trace_clock", "mono") ||
	    write_file(t->dir, "buffer_size_kb", BUFFER_KB) ||
	    write_file(t->dir, "events/kvm/kvm_entry/filter",
		       "vcpu_id == 0 && rip == " RESET_VECTOR_IP) ||
	    write_file(t->dir, "events/kvm/kvm_pio/filter", pio_filter) ||
	    write_file(t->dir, "events/kvm/kvm_entry/enable", "1") ||
	    write_file(t->dir, "events/kvm/kvm_pio/enable", "1") || open_pipe(t)) {
		int err = errno;

		close_instance(t);
		errno = err;
		return -1;
	}
	return 0;
}

int kvm_tracefs_open(struct kvm_tracefs *t)
{
	sigset_t old;
	int ret;

	memset(t, 0, sizeof(*t));
	t->pipe_fd = -1;
	t->slot = -1;
	hold_signals(&old);
	ret = open_instance(t);
	release_signals(&old);
	return ret;
}

void kvm_tracefs_close(struct kvm_tracefs *t)
{
	sigset_t old;

	hold_signals(&old);
	close_instance(t);
	release_signals(&old);
}

/* An instance stays busy while any process holds one of its files: a guest
 * forked but not yet exec'd still has trace_pipe (O_CLOEXEC closes it at
 * the exec). Retried for up to a second, then left to the next start-up. */
static void remove_when_free(const char *dir)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int tries = 0; tries < 100 && rmdir(dir) != 0 && errno == EBUSY; tries++)
		nanosleep(&tick, NULL);
}

/* Only open, write, close, rmdir and nanosleep: async-signal-safe. */
void kvm_tracefs_interrupted(void)
{
	for (int s = 0; s < MAX_LIVE; s++) {
		int fd;

		if (!live_instances[s].live)
			continue;
		fd = open(live_instances[s].enable, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t ignored = write(fd, "0", 1);

			(void)ignored;
			close(fd);
		}
		if (live_instances[s].pipe_fd >= 0)
			close(live_instances[s].pipe_fd);
		remove_when_free(live_instances[s].dir);
	}
}

/* The thread id in "comm-TID [CPU]": the digits before the last " [". */
static int parse_tid(const char *line, const char *end, pid_t *tid)
{
	const char *bracket = NULL, *p, *digits;

	for (p = strstr(line, " ["); p && p < end; p = strstr(p + 1, " ["))
		bracket = p;
	if (!bracket)
		return -1;
	for (p = bracket; p > line && p[-1] == ' '; p--)
		;
	digits = p;
	while (digits > line && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits == p || digits == line || digits[-1] != '-')
		return -1;
	*tid = (pid_t)strtol(digits, NULL, 10);
	return 0;
}

int kvm_trace_parse_line(const char *line, struct kvm_trace_event *event)
{
	static const struct {
		const char *tag;
		enum kvm_trace_kind kind;
	} kinds[] = { { ": kvm_entry: ", KVM_TRACE_ENTRY }, { ": kvm_pio: ", KVM_TRACE_PIO } };
	const char *at = NULL, *stamp;
	unsigned long long sec, usec;
	unsigned int port, value;
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && !at; k++)
		at = strstr(line, kinds[k].tag);
	if (!at)
		return -1;
	memset(event, 0, sizeof(*event));
	event->kind = kinds[k - 1].kind;
	for (stamp = at; stamp > line && stamp[-1] != ' '; stamp--)
		;
	if (sscanf(stamp, "%llu.%6llu:", &sec, &usec) != 2 || parse_tid(line, stamp, &event->tid))
		return -1;
	event->mono_ns = (int64_t)(sec * 1000000000ULL + usec * 1000ULL);
	if (event->kind == KVM_TRACE_PIO) {
		if (sscanf(at + strlen(kinds[k - 1].tag), "pio_write at %x size 1 count 1 val %x",
			   &port, &value) != 2 ||
		    port != TRACE_PORT)
			return -1;
		event->value = value;
	}
	return 0;
}

void kvm_tracefs_drain(struct kvm_tracefs *t, kvm_trace_fn each, void *ctx)
{
	struct kvm_trace_event event;

	if (t->pipe_fd < 0)
		return;
	for (;;) {
		ssize_t got = read(t->pipe_fd, t->line + t->used, sizeof(t->line) - 1 - t->used);
		char *nl;

		if (got <= 0)
			return;
		t->used += (size_t)got;
		t->line[t->used] = '\0';
		while ((nl = strchr(t->line, '\n')) != NULL) {
			*nl = '\0';
			if (kvm_trace_parse_line(t->line, &event) == 0)
				each(&event, ctx);
			t->used -= (size_t)(nl + 1 - t->line);
			memmove(t->line, nl + 1, t->used + 1);
		}
		if (t->used == sizeof(t->line) - 1)
			t->used = 0;
	}
}
