// SPDX-License-Identifier: MIT
#include "kvm_tracefs.h"

#include "trace_port.h"

#include <event-parse.h>
#include <tracefs.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUFFER_KB "256" /* per CPU; the filters let a handful of events through */
#define MAX_LIVE 4	/* instances open at once; a round opens one */

/* The open instances, for kvm_tracefs_interrupted(): a signal handler can
 * format nothing, so each instance's paths are prepared when it is made. */
static struct {
	char dir[PATH_MAX];
	char enable[PATH_MAX + 16];
	volatile sig_atomic_t live;
} live_instances[MAX_LIVE];

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

/* SIGINT and SIGTERM wait while an instance is made, read or removed: the
 * handler finds none, or one that no file of ours holds open (an open
 * file of the instance makes rmdir fail, EBUSY). */
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
		live_instances[s].live = 1;
		return s;
	}
	return -1;
}

int kvm_tracefs_remove(const char *dir)
{
	write_file(dir, "events/enable", "0");
	return rmdir(dir); /* the instance and its buffers go with it */
}

static void close_instance(struct kvm_tracefs *t)
{
	if (t->instance) {
		kvm_tracefs_remove(t->dir);
		tracefs_instance_free(t->instance);
	}
	if (t->tep)
		tep_free(t->tep);
	if (t->slot >= 0)
		live_instances[t->slot].live = 0;
	t->instance = NULL;
	t->tep = NULL;
	t->slot = -1;
	t->dir[0] = '\0';
}

int kvm_tracefs_entry_filter(char *buf, size_t size, const uint64_t *first_rips,
			     unsigned int nr_rips)
{
	size_t used;

	if (nr_rips == 0 || nr_rips > KVM_TRACEFS_MAX_RIPS)
		return -1;
	used = (size_t)snprintf(buf, size, "vcpu_id == 0 && (");
	for (unsigned int i = 0; i < nr_rips && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%srip == %#llx", i ? " || " : "",
					 (unsigned long long)first_rips[i]);
	if (used < size)
		used += (size_t)snprintf(buf + used, size - used, ")");
	return used < size ? 0 : -1;
}

static int write_event(struct kvm_tracefs *t, const char *system, const char *event,
		       const char *filter)
{
	if (filter && tracefs_event_file_write(t->instance, system, event, "filter", filter) < 0)
		return -1;
	return tracefs_event_enable(t->instance, system, event);
}

/* The parser for our three events only: libtraceevent 1.7 leaks a few
 * bytes parsing some other formats of the kvm and sched systems (valgrind),
 * and we read no other event. The header page says how records are laid out. */
static struct tep_handle *our_events(void)
{
	static const char *const events[][2] = { { "kvm", "kvm_entry" },
						 { "kvm", "kvm_pio" },
						 { "sched", "sched_process_exec" } };
	struct tep_handle *tep = tep_alloc();
	int size = 0;
	char *header = tep ? tracefs_instance_file_read(NULL, "events/header_page", &size) : NULL;
	int ok = header &&
		 tep_parse_header_page(tep, header, (unsigned long)size, (int)sizeof(long)) == 0;

	free(header);
	for (size_t i = 0; ok && i < sizeof(events) / sizeof(events[0]); i++) {
		char *format =
			tracefs_event_file_read(NULL, events[i][0], events[i][1], "format", &size);

		ok = format && tep_parse_event(tep, format, (unsigned long)size, events[i][0]) == 0;
		free(format);
	}
	if (!ok && tep) {
		tep_free(tep);
		tep = NULL;
	}
	return tep;
}

static int open_instance(struct kvm_tracefs *t, const uint64_t *first_rips, unsigned int nr_rips)
{
	static unsigned serial;
	char name[64], entry_filter[256], pio_filter[64];
	const char *root = kvm_tracefs_root();
	char *dir;

	if (!root ||
	    kvm_tracefs_entry_filter(entry_filter, sizeof(entry_filter), first_rips, nr_rips)) {
		errno = root ? EINVAL : ENOENT;
		return -1;
	}
	snprintf(name, sizeof(name), "loadbench-%d-%u", (int)getpid(), serial++);
	snprintf(t->dir, sizeof(t->dir), "%s/instances/%s", root, name);
	t->slot = claim_slot(t->dir);
	if (t->slot < 0) {
		errno = EMFILE;
		return -1;
	}
	t->instance = tracefs_instance_create(name);
	dir = t->instance ? tracefs_instance_get_dir(t->instance) : NULL;
	/* libtracefs may find tracefs elsewhere than we did: follow it. */
	if (dir) {
		snprintf(t->dir, sizeof(t->dir), "%s", dir);
		snprintf(live_instances[t->slot].dir, sizeof(live_instances[t->slot].dir), "%s",
			 dir);
		snprintf(live_instances[t->slot].enable, sizeof(live_instances[t->slot].enable),
			 "%s/events/enable", dir);
		tracefs_put_tracing_file(dir);
	}
	snprintf(pio_filter, sizeof(pio_filter), "rw == 1 && port == %#x", TRACE_PORT);
	if (!dir || tracefs_instance_file_write(t->instance, "trace_clock", "mono") < 0 ||
	    tracefs_instance_file_write(t->instance, "buffer_size_kb", BUFFER_KB) < 0 ||
	    !(t->tep = our_events()) || write_event(t, "kvm", "kvm_entry", entry_filter) ||
	    write_event(t, "kvm", "kvm_pio", pio_filter) ||
	    write_event(t, "sched", "sched_process_exec", NULL)) {
		int err = errno ? errno : EIO;

		close_instance(t);
		errno = err;
		return -1;
	}
	return 0;
}

int kvm_tracefs_open(struct kvm_tracefs *t, const uint64_t *first_rips, unsigned int nr_rips)
{
	sigset_t old;
	int ret;

	memset(t, 0, sizeof(*t));
	t->slot = -1;
	hold_signals(&old);
	errno = 0;
	ret = open_instance(t, first_rips, nr_rips);
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

/* An instance stays busy while any process holds one of its files.
 * Retried for up to a second, then left to the next start-up. */
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
		remove_when_free(live_instances[s].dir);
	}
}

struct drain_ctx {
	kvm_trace_fn each;
	void *ctx;
};

static int number_field(struct tep_event *event, struct tep_record *record, const char *name,
			unsigned long long *value)
{
	return tep_get_field_val(NULL, event, name, record, value, 0);
}

static int take_record(struct tep_event *event, struct tep_record *record, int cpu, void *arg)
{
	const struct drain_ctx *d = arg;
	struct kvm_trace_event ev = { .tid = tep_data_pid(event->tep, record),
				      .mono_ns = (int64_t)record->ts };
	unsigned long long port = 0, value = 0;

	(void)cpu;
	if (strcmp(event->name, "sched_process_exec") == 0) {
		ev.kind = KVM_TRACE_EXEC;
	} else if (strcmp(event->name, "kvm_entry") == 0) {
		ev.kind = KVM_TRACE_ENTRY;
	} else if (strcmp(event->name, "kvm_pio") == 0) {
		if (number_field(event, record, "port", &port) ||
		    number_field(event, record, "val", &value) || port != TRACE_PORT)
			return 0;
		ev.kind = KVM_TRACE_PIO;
		ev.value = (unsigned int)(value & 0xff);
	} else {
		return 0;
	}
	d->each(&ev, d->ctx);
	return 0;
}

void kvm_tracefs_drain(struct kvm_tracefs *t, kvm_trace_fn each, void *ctx)
{
	struct drain_ctx d = { each, ctx };
	sigset_t old;

	if (!t->instance)
		return;
	/* The per-CPU files it opens hold the instance while it reads. */
	hold_signals(&old);
	tracefs_iterate_raw_events(t->tep, t->instance, NULL, 0, take_record, &d);
	release_signals(&old);
}
