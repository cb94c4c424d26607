/* SPDX-License-Identifier: MIT */
/*
 * What arrives from a running instance, turned into its instance_result:
 * loadvm's JSON Lines (its own timestamps), QEMU's debugcon bytes (stamped
 * by us on arrival) and QEMU's trace log ("vm_state_notify running 1").
 */
#ifndef LOADBENCH_TRACE_INPUT_H
#define LOADBENCH_TRACE_INPUT_H

#include "kvm_tracefs.h"
#include "results.h"

#include <stddef.h>
#include <stdint.h>

/* Lines from a non-blocking pipe, assembled across reads. */
struct line_reader {
	char line[512];
	size_t used;
};

typedef void (*line_fn)(const char *line, void *ctx);

/* Reads what fd has and calls each() per complete line (without the
 * newline); an overlong line is dropped. Returns 1 at EOF or on an error. */
int line_reader_drain(struct line_reader *lr, int fd, line_fn each, void *ctx);

/* {"name":"linux_start_user","value":7,"ns":123,"source":"port"}: keeps
 * the first of each tabulated point; unknown points are ignored. */
void trace_take_json(struct instance_result *res, const char *line);

/* One byte the guest wrote to the trace port, arrived ns after time zero. */
void trace_take_port_byte(struct instance_result *res, unsigned int value, int64_t ns);

/* One line of QEMU's trace log ("-msg timestamp=on" puts PID@SEC.USEC:
 * before the event). arrival_ns: since time zero; arrival_real_ns: the
 * same instant on CLOCK_REALTIME, which QEMU's own stamp uses. */
void trace_take_qemu_log(struct instance_result *res, const char *line, int64_t arrival_ns,
			 int64_t arrival_real_ns);

/* A KVM event of this instance's process (tracefs): the first kvm_entry
 * is qemu_init_end; the trace port write of linux_start_user is kept to
 * measure how late its debugcon byte arrived. zero_ns: the instance's time
 * zero on CLOCK_MONOTONIC. */
void trace_take_kvm_event(struct instance_result *res, const struct kvm_trace_event *event,
			  int64_t zero_ns);

/* After the round: QEMU's "VM running" stands in for qemu_init_end where
 * no first KVM_RUN was seen (TCG, no tracefs). */
void trace_finish_qemu(struct instance_result *res);

#endif
