/* SPDX-License-Identifier: MIT */
/*
 * linux_start_kernel for kernels that do not write it: a hardware
 * breakpoint (KVM_SET_GUEST_DEBUG, DR0) on start_kernel. PVH boots without
 * KASLR, so the symbol's link address is where it runs. When the vCPU stops
 * there the point is recorded, the breakpoint cleared and the guest resumed.
 * The nested rig's KVM (nested SVM under TCG) never delivers the exit, nor
 * one for int3: there the breakpoint reports itself missing.
 */
#ifndef LOADVM_BREAKPOINT_H
#define LOADVM_BREAKPOINT_H

#include "vmm_stop.h"

#include <linux/kvm.h>
#include <stdint.h>

struct breakpoint {
	const char *point; /* trace point name, e.g. linux_start_kernel */
	uint64_t address;  /* guest linear address */
	int armed;
	int hit;
	enum exit_after exit_after;
	volatile sig_atomic_t *stop;
};

/* Arms DR0 on vcpu_fd; -1 after a message. */
int breakpoint_arm(struct breakpoint *bp, int vcpu_fd);

/* For a KVM_EXIT_DEBUG: records and clears our breakpoint if it is the one
 * that fired. Returns 0 if handled, -1 if the exit was not ours. */
int breakpoint_handle(struct breakpoint *bp, int vcpu_fd, const struct kvm_debug_exit_arch *exit);

/* At the end of the run: an armed breakpoint that never hit is reported. */
void breakpoint_report_missing(const struct breakpoint *bp);

#endif
