/* SPDX-License-Identifier: MIT */
/* The KVM virtual machine: /dev/kvm, the VM fd, its RAM slot and vCPU. */
#ifndef LOADVM_VM_H
#define LOADVM_VM_H

#include "guest_mem.h"

#include <linux/kvm.h>
#include <stddef.h>

struct vcpu {
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

struct vm {
	int kvm_fd;
	int vm_fd;
	struct guest_mem *mem;
	struct vcpu vcpu;
};

/* Opens /dev/kvm, creates the VM with in-kernel IRQ chip and PIT, and
 * registers mem as slot 0. Returns -1 after one line of explanation. */
int vm_create(struct vm *vm, struct guest_mem *mem);
/* Creates vCPU 0 with the host-supported CPUID and maps its kvm_run. */
int vm_create_vcpu(struct vm *vm);
/* Puts vCPU 0 in the PVH entry state: 32-bit flat protected mode, paging
 * off, EBX = start_info, EIP = entry. */
int vm_setup_pvh_entry(struct vm *vm, uint32_t entry);
void vm_destroy(struct vm *vm);

#endif
