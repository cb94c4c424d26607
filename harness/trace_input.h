/* SPDX-License-Identifier: MIT */
/*
 * What arrives from a running instance, turned into its instance_result:
 * JSON Lines with the VMM's own timestamps (loadvm), port bytes stamped by
 * us on arrival (QEMU's debugcon) and tracefs's events; a VMM's own log is
 * its backend's (backend.h: log_line).
 */
#ifndef LOADBENCH_TRACE_INPUT_H
#define LOADBENCH_TRACE_INPUT_H

#include "backend.h"
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

/* Where tracefs's events leave the times of one instance: CLOCK_MONOTONIC,
 * -1 until seen. */
struct tracefs_times {
	int64_t exec_ns;	    /* the last exec of the process */
	int64_t entry_ns;	    /* its first KVM_RUN (kvm_tracefs's filter) */
	int64_t port_ns[NR_POINTS]; /* the first port write of each point */
};

void tracefs_times_clear(struct tracefs_times *t);

/* {"name":"linux_start_user","value":7,"ns":123,"mono_ns":456,"source":"port"}:
 * keeps the first of each tabulated point, at mono_ns (loadvm's own
 * CLOCK_MONOTONIC stamp) minus zero_ns; unknown points are ignored. */
void trace_take_json(struct instance_result *res, const char *line, int64_t zero_ns);

/* Records a tabulated point (bench_point_from_name; < 0: none) unless it
 * has one already: the first of each is kept. source: who saw it (vmm,
 * port, breakpoint, kvm_entry or a backend's own); timing: who timed it. */
void trace_set_point(struct instance_result *res, int point, int64_t ns, const char *source,
		     const char *timing);

/* One byte the guest wrote to the trace port, arrived ns after time zero. */
void trace_take_port_byte(struct instance_result *res, unsigned int value, int64_t ns);

/* A tracefs event of this instance's process. */
void trace_take_kvm_event(struct tracefs_times *times, const struct kvm_trace_event *event);

/* After the round, the seed's definitions wherever tracefs saw them: time
 * zero moves from pre_exec_ns (our stamp just before execv, which every
 * time so far counts from) to the process's exec; vmm_init_end becomes its
 * first KVM_RUN and each port point KVM's exit for the write. What tracefs
 * did not see keeps the VMM's own stamp or its arrival, rebased, as do the
 * backend's own times (VMM_VALUE_TIME). */
void trace_settle(struct instance_result *res, const struct vmm_backend *backend,
		  const struct tracefs_times *times, int64_t pre_exec_ns);

#endif
