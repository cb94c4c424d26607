/* SPDX-License-Identifier: MIT */
/*
 * The trace stream: JSON Lines, one object per point, written with one
 * write(2) each so a reader (loadbench) sees whole lines as they happen:
 *   {"name":"vmm_init_end","value":null,"ns":123456,"mono_ns":98765432100,"source":"vmm"}
 * ns is CLOCK_MONOTONIC nanoseconds since loadvm's main() began, mono_ns
 * the same instant on CLOCK_MONOTONIC itself (so that loadbench can count
 * from the exec it saw, or from its own stamp before the exec); source
 * says who saw the point: "vmm" (loadvm itself), "port" (the guest wrote
 * port 0xf4) or "breakpoint" (a hardware breakpoint on a kernel symbol).
 * A breakpoint that never hit is reported, never invented:
 *   {"name":"linux_start_kernel","value":null,"ns":null,"source":"breakpoint","missing":true}
 */
#ifndef LOADVM_TRACE_LOG_H
#define LOADVM_TRACE_LOG_H

#include <stdint.h>

#define TRACE_VALUE_NONE (-1)

/* Call first thing in main(): every point is relative to this instant. */
void trace_clock_start(void);
uint64_t trace_clock_ns(void);

/* fd < 0: points are kept nowhere (tracing off). Writes the first record,
 * vmm_start: main()'s instant (ns 0). */
void trace_log_open(int fd);
void trace_log_point(const char *name, int value, const char *source);
void trace_log_missing(const char *name, const char *source);

#endif
