// SPDX-License-Identifier: MIT
#include "cpu_setup.h"

#include "log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define MAX_CPUID_ENTRIES 128

#define CPUID_HYPERVISOR (1u << 31) /* leaf 1 ECX */
#define CPUID_HTT (1u << 28)	    /* leaf 1 EDX */

#define MSR_IA32_TSC 0x10
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102

#define MISC_ENABLE_FAST_STRING 1
#define MTRR_ENABLE_WRITEBACK ((1u << 11) | 6) /* MTRRs on, default WB */

#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_DELIVERY_MASK 0x700
#define APIC_MODE_EXTINT 0x700
#define APIC_MODE_NMI 0x400

static void fixup_entry(struct kvm_cpuid_entry2 *e, unsigned index, unsigned nr_vcpus)
{
	switch (e->function) {
	case 1:
		/* EBX: initial APIC id in 31:24, logical processors in 23:16. */
		e->ebx = (e->ebx & 0xffff) | (index << 24) | (nr_vcpus << 16);
		e->ecx |= CPUID_HYPERVISOR;
		if (nr_vcpus > 1)
			e->edx |= CPUID_HTT;
		break;
	case 4:
		/* EAX 31:26: cores per package - 1; one core per vCPU. */
		e->eax = (e->eax & 0x3ffffff) | ((nr_vcpus - 1) << 26);
		break;
	case 0xb:
	case 0x1f:
		e->edx = index; /* x2APIC id */
		break;
	default: break;
	}
}

void cpuid_fixup(struct kvm_cpuid2 *cpuid, unsigned int index, unsigned int nr_vcpus)
{
	for (unsigned i = 0; i < cpuid->nent; i++)
		fixup_entry(&cpuid->entries[i], index, nr_vcpus);
}

static int set_cpuid(int kvm_fd, int vcpu_fd, unsigned index, unsigned nr_vcpus)
{
	size_t bytes =
		sizeof(struct kvm_cpuid2) + MAX_CPUID_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, bytes);
	int ret = -1;

	if (!cpuid) {
		pr_err("out of memory");
		return -1;
	}
	cpuid->nent = MAX_CPUID_ENTRIES;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		pr_errno("KVM_GET_SUPPORTED_CPUID");
	} else {
		cpuid_fixup(cpuid, index, nr_vcpus);
		ret = ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0 ? -1 : 0;
		if (ret)
			pr_errno("KVM_SET_CPUID2");
	}
	free(cpuid);
	return ret;
}

static int set_boot_msrs(int vcpu_fd)
{
	static const struct kvm_msr_entry boot_msrs[] = {
		{ .index = MSR_IA32_SYSENTER_CS },
		{ .index = MSR_IA32_SYSENTER_ESP },
		{ .index = MSR_IA32_SYSENTER_EIP },
		{ .index = MSR_STAR },
		{ .index = MSR_CSTAR },
		{ .index = MSR_KERNEL_GS_BASE },
		{ .index = MSR_SYSCALL_MASK },
		{ .index = MSR_LSTAR },
		{ .index = MSR_IA32_TSC },
		{ .index = MSR_IA32_MISC_ENABLE, .data = MISC_ENABLE_FAST_STRING },
		{ .index = MSR_MTRR_DEF_TYPE, .data = MTRR_ENABLE_WRITEBACK },
	};
	const unsigned n = sizeof(boot_msrs) / sizeof(boot_msrs[0]);
	struct {
		struct kvm_msrs header;
		struct kvm_msr_entry entries[sizeof(boot_msrs) / sizeof(boot_msrs[0])];
	} msrs;
	int set;

	memset(&msrs, 0, sizeof(msrs));
	msrs.header.nmsrs = n;
	memcpy(msrs.entries, boot_msrs, sizeof(boot_msrs));
	set = ioctl(vcpu_fd, KVM_SET_MSRS, &msrs);
	if (set != (int)n) {
		pr_err("KVM_SET_MSRS: set %d of %u boot MSRs", set, n);
		return -1;
	}
	return 0;
}

static void set_lvt_mode(struct kvm_lapic_state *lapic, unsigned reg, uint32_t mode)
{
	uint32_t value;

	memcpy(&value, &lapic->regs[reg], sizeof(value));
	value = (value & ~(uint32_t)APIC_DELIVERY_MASK) | mode;
	memcpy(&lapic->regs[reg], &value, sizeof(value));
}

/* LINT0 takes the PIC's interrupts (ExtINT), LINT1 is NMI, as on a PC. */
static int set_lapic_lint(int vcpu_fd)
{
	struct kvm_lapic_state lapic;

	if (ioctl(vcpu_fd, KVM_GET_LAPIC, &lapic) < 0) {
		pr_errno("KVM_GET_LAPIC");
		return -1;
	}
	set_lvt_mode(&lapic, APIC_LVT_LINT0, APIC_MODE_EXTINT);
	set_lvt_mode(&lapic, APIC_LVT_LINT1, APIC_MODE_NMI);
	if (ioctl(vcpu_fd, KVM_SET_LAPIC, &lapic) < 0) {
		pr_errno("KVM_SET_LAPIC");
		return -1;
	}
	return 0;
}

int cpu_setup(int kvm_fd, int vcpu_fd, unsigned int index, unsigned int nr_vcpus)
{
	if (set_cpuid(kvm_fd, vcpu_fd, index, nr_vcpus) || set_boot_msrs(vcpu_fd) ||
	    set_lapic_lint(vcpu_fd))
		return -1;
	return 0;
}
