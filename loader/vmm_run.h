/* SPDX-License-Identifier: MIT */
/*
 * Running the vCPUs: one thread each, KVM_RUN and exit dispatch in a loop.
 * The main thread waits for a stop: a device's request (guest reset,
 * --exit-after point), a crash, SIGTERM/SIGINT, or the --timeout alarm.
 */
#ifndef LOADVM_VMM_RUN_H
#define LOADVM_VMM_RUN_H

#include "breakpoint.h"
#include "io_bus.h"
#include "vm.h"
#include "vmm_stop.h"

/* Call first in main(): blocks SIGTERM and SIGINT (read through a signalfd
 * once the VM runs) and arms the timeout (seconds, 0 for none) from this
 * instant. Until vmm_run() takes SIGALRM over, the timeout calls
 * before_run (which must end the process). */
int vmm_block_stop_signals(double timeout_s, void (*before_run)(int sig));

/* Runs every vCPU until a stop; returns the process exit status. bp (may be
 * NULL) is the breakpoint armed on vCPU 0. */
int vmm_run(struct vm *vm, struct io_bus *bus, struct breakpoint *bp, volatile sig_atomic_t *stop);

#endif
