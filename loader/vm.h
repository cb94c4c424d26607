/* SPDX-License-Identifier: MIT */
/* The KVM virtual machine: /dev/kvm, the VM fd, its RAM slot and vCPUs. */
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

#define VM_MAX_VCPUS 32

struct vm {
	int kvm_fd;
	int vm_fd;
	struct guest_mem *mem;
	unsigned int nr_vcpus;	      /* created so far */
	unsigned int nr_vcpus_wanted; /* what the guest is told it has */
	struct vcpu vcpus[VM_MAX_VCPUS];
};

/* Opens /dev/kvm, creates the VM with in-kernel IRQ chip and PIT, and
 * registers mem as slot 0. Returns -1 after one line of explanation. */
int vm_create(struct vm *vm, struct guest_mem *mem);
/* Creates nr vCPUs (CPUID, boot MSRs, LAPIC set up) and maps their
 * kvm_run areas. vCPU 0 boots; the others wait for the guest's SIPI. */
int vm_create_vcpus(struct vm *vm, unsigned int nr);
/* Puts vCPU 0 in the PVH entry state: 32-bit flat protected mode, paging
 * off, EBX = start_info, EIP = entry. */
int vm_setup_pvh_entry(struct vm *vm, uint32_t entry);
void vm_destroy(struct vm *vm);

#endif
