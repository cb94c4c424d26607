/* SPDX-License-Identifier: MIT */
/*
 * qemu-boot-time's host-side method, without perf: a tracefs instance of
 * our own that records two KVM events on the kernel's CLOCK_MONOTONIC
 * ("mono" trace clock, the clock loadbench stamps with):
 *   kvm:kvm_entry filtered to vCPU 0 at the reset vector (rip 0xfff0): the
 *     first KVM_RUN of a VMM that boots through firmware, qemu_init_end;
 *   kvm:kvm_pio filtered to writes to the trace port: when the guest wrote
 *     each trace byte, to measure how late the byte reached us.
 * Events name the vCPU thread; round.c maps threads to instances.
 */
#ifndef LOADBENCH_KVM_TRACEFS_H
#define LOADBENCH_KVM_TRACEFS_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

struct kvm_tracefs {
	int pipe_fd; /* trace_pipe, non-blocking; -1 when closed */
	int slot;    /* where kvm_tracefs_interrupted() finds it; -1 when closed */
	char dir[PATH_MAX];
	char line[512];
	size_t used;
};

enum kvm_trace_kind { KVM_TRACE_ENTRY, KVM_TRACE_PIO };

struct kvm_trace_event {
	enum kvm_trace_kind kind;
	pid_t tid;	    /* the vCPU thread */
	int64_t mono_ns;    /* CLOCK_MONOTONIC, microsecond resolution */
	unsigned int value; /* KVM_TRACE_PIO: the byte written */
};

/* NULL if the method can run here (tracefs mounted or mountable by us,
 * both events present, the mono clock); else why not, for the outputs. */
const char *kvm_tracefs_unavailable(void);

/* Where tracefs is (mounting it if we may), or NULL. */
const char *kvm_tracefs_root(void);

/* Creates the instance, <root>/instances/loadbench-<pid>-<serial>, and
 * starts recording; -1 (errno set) if it cannot. */
int kvm_tracefs_open(struct kvm_tracefs *t);
void kvm_tracefs_close(struct kvm_tracefs *t);

/* From a SIGINT/SIGTERM handler: removes every open instance with
 * async-signal-safe calls only (the process must not return to them). */
void kvm_tracefs_interrupted(void);

/* Stops an instance's events and removes it (not one of ours that is
 * open: its trace_pipe holds it); rmdir's result. */
int kvm_tracefs_remove(const char *dir);

typedef void (*kvm_trace_fn)(const struct kvm_trace_event *event, void *ctx);
/* Reads what trace_pipe has and calls each() per event. */
void kvm_tracefs_drain(struct kvm_tracefs *t, kvm_trace_fn each, void *ctx);

/* One trace_pipe line, e.g.
 * " qemu-system-x86-130 [001] d..1.  47.554977: kvm_entry: vcpu 0, rip 0xfff0".
 * Returns 0 for an event we asked for. Exposed for tests. */
int kvm_trace_parse_line(const char *line, struct kvm_trace_event *event);

#endif
