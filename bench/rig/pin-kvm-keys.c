// SPDX-License-Identifier: MIT
/*
 * pin-kvm-keys: holds, for the rig's whole life, the KVM objects whose
 * existence switches static keys in the rig's kernel, so that guests
 * coming and going never switch them again.
 *
 * The rig's kernel patches running code (text_poke_bp: an int3 on the site,
 * IPIs to every CPU) whenever a static key goes 0 -> 1 or 1 -> 0, and
 * multi-threaded TCG does not survive that while the other vCPU runs the
 * site (bench/rig/README.md, "Stalls"). Linux 6.1's KVM switches:
 * - preempt_notifier_key (a site in __schedule) when the number of VMs
 *   goes 0 <-> 1 (kvm_create_vm, kvm_destroy_vm);
 * - apic_sw_disabled while any vCPU's local APIC is software-disabled:
 *   every new vCPU's is until its guest enables it (kvm_create_lapic);
 * - kvm_has_noapic_vcpu while any vCPU has no in-kernel local APIC.
 * One VM with an in-kernel irqchip and a vCPU that never runs, and one VM
 * without an irqchip and a vCPU, keep all three at >= 1.
 *
 * Static, so that the rig's init runs it before any share is mounted.
 * Prints "pinned" once the keys are held, then sleeps until killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "pin-kvm-keys: %s: %s\n", what, strerror(errno));
	return 1;
}

/* A VM with one vCPU that never runs; with_irqchip gives it an in-kernel
 * local APIC (software-disabled at reset). */
static int hold_vm(int kvm, int with_irqchip)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		return fail("KVM_CREATE_VM");
	if (with_irqchip && ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return fail("KVM_CREATE_IRQCHIP");
	if (ioctl(vm, KVM_CREATE_VCPU, 0) < 0)
		return fail("KVM_CREATE_VCPU");
	return 0;
}

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0)
		return fail("/dev/kvm");
	if (hold_vm(kvm, 1) || hold_vm(kvm, 0))
		return 1;
	puts("pinned");
	fflush(stdout);
	for (;;)
		pause();
}
