/* SPDX-License-Identifier: MIT */
/*
 * QEMU's backend, one job per file:
 *   backend_qemu.c         its ops table, options and set-up;
 *   backend_qemu_launch.c  one instance's command line and private copies;
 *   backend_qemu_images.c  those copies (backend_qemu_images.h);
 *   backend_qemu_trace.c   its trace log, and the figures only QEMU has;
 *   backend_qemu_report.c  its version, its JSON objects, its paragraph.
 * Not for callers outside them, but for tests (backend.h is the interface).
 */
#ifndef LOADBENCH_BACKEND_QEMU_H
#define LOADBENCH_BACKEND_QEMU_H

#include "backend.h"

#include <limits.h>

/* What --qemu* set, and what the set-up and the context found. */
struct qemu_settings {
	const char *binary;  /* --qemu; after set-up, the path it resolved to */
	const char *machine; /* pc, q35 or microvm */
	const char *accel;   /* kvm or tcg */
	/* How qemu_init_end is taken: "kvm_entry" (tracefs, the first
	 * KVM_RUN) or "vm_state_notify" (QEMU's trace log), and why; before
	 * set-up NULL (auto) or vm_state_notify (--qemu-init-end). */
	const char *init_end;
	const char *init_end_why;
	char path[PATH_MAX]; /* the resolved binary */
	char version[96];    /* first line of its --version (the context) */
};

extern struct qemu_settings qemu_settings;
extern const struct vmm_backend backend_qemu;

/* QEMU's own figures in instance_result.vmm_values. */
enum qemu_value {
	QEMU_VM_RUNNING,     /* "vm_state_notify running 1" arrived, since time zero */
	QEMU_VM_RUNNING_LAG, /* that arrival minus QEMU's own stamp of it */
	NR_QEMU_VALUES
};

/* backend_qemu_launch.c */
unsigned int qemu_extra_mib(const struct bench_config *config, unsigned int loader);
int qemu_prepare(const struct bench_config *config, unsigned int loader, struct vmm_launch *launch);

/* backend_qemu_trace.c */
extern const struct vmm_value qemu_values[NR_QEMU_VALUES];
extern const struct vmm_arrival qemu_arrival;
/* One line of QEMU's trace log ("-msg timestamp=on" puts PID@SEC.USEC:
 * before the event): "vm_state_notify running 1" is kept. */
void qemu_log_line(struct instance_result *res, const char *line, int64_t arrival_ns,
		   int64_t arrival_real_ns);
/* After the round: QEMU's "VM running" stands in for qemu_init_end where
 * no first KVM_RUN was seen (TCG, no tracefs). */
void qemu_finish(struct instance_result *res);

/* backend_qemu_report.c */
void qemu_context(const struct bench_config *config, const struct run_context *ctx);
void qemu_json(struct json_writer *j, const struct bench_config *config, enum vmm_json where);
void qemu_heading(FILE *f, const struct bench_config *config);

#endif
