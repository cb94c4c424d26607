/* SPDX-License-Identifier: MIT */
/* Per-vCPU state a Linux guest expects from its firmware: CPUID with the
 * topology fixed up, the boot MSRs, and the local APIC's LINT pins. */
#ifndef LOADVM_CPU_SETUP_H
#define LOADVM_CPU_SETUP_H

#include <linux/kvm.h>

/* Rewrites what KVM_GET_SUPPORTED_CPUID reports for vCPU index of
 * nr_vcpus: APIC ids, logical-processor counts, the hypervisor bit. */
void cpuid_fixup(struct kvm_cpuid2 *cpuid, unsigned int index, unsigned int nr_vcpus);

/* CPUID, MSRs and LAPIC for one vCPU; -1 after a message on failure. */
int cpu_setup(int kvm_fd, int vcpu_fd, unsigned int index, unsigned int nr_vcpus);

#endif
