/* SPDX-License-Identifier: MIT */
/* The vCPU run loop: KVM_RUN, dispatch the exit, repeat until a stop. */
#ifndef LOADVM_VMM_RUN_H
#define LOADVM_VMM_RUN_H

#include "io_bus.h"
#include "vm.h"
#include "vmm_stop.h"

/* Installs SIGTERM/SIGINT/SIGALRM handlers that stop the loop; a timeout
 * (seconds, 0 for none) is armed from now. */
int vmm_install_stop_handlers(volatile sig_atomic_t *stop, double timeout_s);

/* Runs vCPU 0; returns the process exit status (options.h). */
int vmm_run(struct vm *vm, struct io_bus *bus, volatile sig_atomic_t *stop);

#endif
