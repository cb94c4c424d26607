/* SPDX-License-Identifier: MIT */
/*
 * qemu-boot-time's host-side definitions, for every VMM, from a tracefs
 * instance of our own read with libtracefs and libtraceevent (binary
 * records, nanosecond stamps on the kernel's CLOCK_MONOTONIC: the "mono"
 * trace clock, the clock loadbench and loadvm stamp with):
 *   sched:sched_process_exec: a VMM's exec, its time zero;
 *   kvm:kvm_entry, vCPU 0 at the first guest RIP a VMM sets (the reset
 *     vector, or the kernel's PVH entry): its first KVM_RUN, vmm_init_end;
 *   kvm:kvm_pio, writes to the trace port: each guest trace point.
 * Events name the thread; round_events.c maps threads to instances.
 */
#ifndef LOADBENCH_KVM_TRACEFS_H
#define LOADBENCH_KVM_TRACEFS_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

struct tracefs_instance;
struct tep_handle;

#define KVM_TRACEFS_MAX_RIPS 4

struct kvm_tracefs {
	struct tracefs_instance *instance; /* NULL when closed */
	struct tep_handle *tep;
	int slot; /* where kvm_tracefs_interrupted() finds it; -1 when closed */
	char dir[PATH_MAX];
};

enum kvm_trace_kind { KVM_TRACE_EXEC, KVM_TRACE_ENTRY, KVM_TRACE_PIO };

struct kvm_trace_event {
	enum kvm_trace_kind kind;
	pid_t tid;	    /* the thread: for an exec, the process itself */
	int64_t mono_ns;    /* CLOCK_MONOTONIC */
	unsigned int value; /* KVM_TRACE_PIO: the byte written */
};

/* NULL if the method can run here (root, tracefs mounted or mountable by
 * us, the three events, the mono clock); else why not, for the outputs. */
const char *kvm_tracefs_unavailable(void);

/* Where tracefs is (mounting it if we may), or NULL. */
const char *kvm_tracefs_root(void);

/* Creates the instance, <root>/instances/loadbench-<pid>-<serial>, and
 * starts recording execs, the first entries at any of first_rips and the
 * trace port's writes; -1 (errno set) if it cannot. */
int kvm_tracefs_open(struct kvm_tracefs *t, const uint64_t *first_rips, unsigned int nr_rips);
void kvm_tracefs_close(struct kvm_tracefs *t);

/* From a SIGINT/SIGTERM handler: removes every open instance with
 * async-signal-safe calls only (the process must not return to them). */
void kvm_tracefs_interrupted(void);

/* Stops an instance's events and removes it; rmdir's result. */
int kvm_tracefs_remove(const char *dir);

typedef void (*kvm_trace_fn)(const struct kvm_trace_event *event, void *ctx);
/* Reads what the instance recorded, oldest first, and calls each() per
 * event; never blocks. */
void kvm_tracefs_drain(struct kvm_tracefs *t, kvm_trace_fn each, void *ctx);

/* The kvm_entry filter for these first RIPs, e.g.
 * "vcpu_id == 0 && (rip == 0xfff0 || rip == 0x1000000)". Exposed for tests. */
int kvm_tracefs_entry_filter(char *buf, size_t size, const uint64_t *first_rips,
			     unsigned int nr_rips);

#endif
