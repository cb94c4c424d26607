// SPDX-License-Identifier: MIT
#include "vm.h"

#include "cpu_setup.h"
#include "guest_layout.h"
#include "kvm_dev.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KVM_EXPECTED_API 12

static int open_kvm(void)
{
	char why[256];
	int fd = kvm_dev_open(why, sizeof(why));

	if (fd < 0)
		pr_err("%s", why);
	return fd;
}

static int vm_ioctl(int fd, unsigned long request, unsigned long arg, const char *name)
{
	if (ioctl(fd, request, arg) < 0) {
		pr_errno("%s", name);
		return -1;
	}
	return 0;
}

int vm_create(struct vm *vm, struct guest_mem *mem)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem->size,
		.userspace_addr = (uintptr_t)mem->host,
	};
	uint64_t identity_map = KVM_IDENTITY_MAP_ADDR;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->mem = mem;
	vm->kvm_fd = open_kvm();
	if (vm->kvm_fd < 0)
		return -1;
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_EXPECTED_API) {
		pr_err("%s: unexpected KVM API version", KVM_DEV_PATH);
		return -1;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		pr_errno("KVM_CREATE_VM");
		return -1;
	}
	/* Order matters: the IRQ chip must exist before the PIT and vCPUs. */
	if (vm_ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR, "KVM_SET_TSS_ADDR") ||
	    vm_ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, (uintptr_t)&identity_map,
		     "KVM_SET_IDENTITY_MAP_ADDR") ||
	    vm_ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP") ||
	    vm_ioctl(vm->vm_fd, KVM_CREATE_PIT2, (uintptr_t)&pit, "KVM_CREATE_PIT2") ||
	    vm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, (uintptr_t)&slot,
		     "KVM_SET_USER_MEMORY_REGION"))
		return -1;
	return 0;
}

static int create_vcpu(struct vm *vm, unsigned int index, int run_size)
{
	struct vcpu *vcpu = &vm->vcpus[index];

	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (vcpu->fd < 0) {
		pr_errno("KVM_CREATE_VCPU %u", index);
		return -1;
	}
	vm->nr_vcpus = index + 1;
	vcpu->run_size = (size_t)run_size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		pr_errno("mmap kvm_run");
		return -1;
	}
	return cpu_setup(vm->kvm_fd, vcpu->fd, index, vm->nr_vcpus_wanted);
}

int vm_create_vcpus(struct vm *vm, unsigned int nr)
{
	int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (run_size < (int)sizeof(struct kvm_run)) {
		pr_errno("KVM_GET_VCPU_MMAP_SIZE");
		return -1;
	}
	if (nr == 0 || nr > VM_MAX_VCPUS) {
		pr_err("--vcpus %u: between 1 and %d", nr, VM_MAX_VCPUS);
		return -1;
	}
	vm->nr_vcpus_wanted = nr;
	for (unsigned i = 0; i < nr; i++)
		if (create_vcpu(vm, i, run_size))
			return -1;
	return 0;
}

/* Flat 4 GiB segments: the PVH entry state, and what the GDT holds so a
 * guest that reloads a selector before its own lgdt still sees them. */
#define GDT_NULL 0x0000000000000000ULL
#define GDT_CODE32 0x00cf9b000000ffffULL
#define GDT_DATA32 0x00cf93000000ffffULL
#define SEL_CODE 0x08
#define SEL_DATA 0x10

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type)
{
	struct kvm_segment seg = {
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = 1,
		.s = 1,
		.l = 0,
		.g = 1,
	};

	return seg;
}

static int write_boot_gdt(struct vm *vm)
{
	const uint64_t gdt[] = { GDT_NULL, GDT_CODE32, GDT_DATA32 };
	void *dst = guest_mem_ptr(vm->mem, BOOT_GDT_ADDR, sizeof(gdt));

	if (!dst) {
		pr_err("guest RAM too small for the boot GDT");
		return -1;
	}
	memcpy(dst, gdt, sizeof(gdt));
	return 0;
}

int vm_setup_pvh_entry(struct vm *vm, uint32_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = entry, .rbx = PVH_START_INFO_ADDR, .rflags = 0x2 };

	if (write_boot_gdt(vm) ||
	    vm_ioctl(vm->vcpus[0].fd, KVM_GET_SREGS, (uintptr_t)&sregs, "KVM_GET_SREGS"))
		return -1;
	sregs.cs = flat_segment(SEL_CODE, 0xb);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat_segment(SEL_DATA, 0x3);
	sregs.gdt.base = BOOT_GDT_ADDR;
	sregs.gdt.limit = 3 * sizeof(uint64_t) - 1;
	sregs.cr0 = 0x11; /* PE | ET */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (vm_ioctl(vm->vcpus[0].fd, KVM_SET_SREGS, (uintptr_t)&sregs, "KVM_SET_SREGS") ||
	    vm_ioctl(vm->vcpus[0].fd, KVM_SET_REGS, (uintptr_t)&regs, "KVM_SET_REGS"))
		return -1;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		if (vcpu->run)
			munmap(vcpu->run, vcpu->run_size);
		if (vcpu->fd >= 0)
			close(vcpu->fd);
		vcpu->run = NULL;
		vcpu->fd = -1;
	}
	vm->nr_vcpus = 0;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
}
