/* SPDX-License-Identifier: MIT */
/*
 * kvm-mode: what KVM is there here? Prints one word on stdout:
 *   native    guests run at hardware speed;
 *   emulated  /dev/kvm works but emulates guest code (real Linux needs the
 *             nested rig);
 *   none      no usable /dev/kvm (no device node, no permission, no backend
 *             bound, or KVMLB_KVM=none): stderr says why in one line.
 * It times a two-instruction real-mode loop run a fixed number of times.
 * Exit status 0 whatever the mode; 2 bad usage or a bad KVMLB_KVM.
 *
 * usage: kvm-mode [--verbose]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest_layout.h"
#include "kvm_dev.h"

/* About 0.05-0.2 s on the emulating host (0.5-2 us per iteration), under
 * 1 ms on real KVM, so the answer is clear and the host run stays short. */
#define ITERATIONS 100000u
/* The first KVM_RUN of a vCPU pays one-off costs (milliseconds in the nested
 * rig, which would swamp 100000 fast iterations); a short run absorbs them. */
#define WARMUP_ITERATIONS 1000u
/* Hardware runs the loop in a few ns per iteration; emulation in microseconds.
 * 50 ns leaves room for VM entry costs on a nested hypervisor. */
#define NATIVE_NS_PER_ITER 50.0

/*
 * Guest code at guest-physical 0, 16-bit real mode, ECX preset by the host:
 *   0: 66 49   dec ecx
 *   2: 75 fc   jnz 0
 *   4: f4      hlt
 */
static const uint8_t guest_code[] = { 0x66, 0x49, 0x75, 0xfc, 0xf4 };

struct vm {
	int sys_fd, fd, vcpu_fd;
	void *mem;
	struct kvm_run *run;
};

/* No usable KVM: that is an answer, not an error. */
static void report_none(const char *why)
{
	puts("none");
	fprintf(stderr, "kvm-mode: none: %s\n", why);
	exit(0);
}

static void die(const char *what)
{
	char why[160];

	snprintf(why, sizeof(why), "%s: %s", what, strerror(errno));
	report_none(why);
}

static void open_kvm(struct vm *vm)
{
	char why[256];

	vm->sys_fd = kvm_dev_open(why, sizeof(why));
	if (vm->sys_fd >= 0)
		return;
	if (vm->sys_fd == KVM_DEV_BAD_ENV) {
		fprintf(stderr, "kvm-mode: %s\n", why);
		exit(2);
	}
	report_none(why);
}

static void create_vm(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_PAGE_SIZE,
	};

	vm->fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		die("KVM_CREATE_VM");
	/* Intel needs a TSS for real mode; AMD ignores it. */
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		die("KVM_SET_TSS_ADDR");
	vm->mem = mmap(NULL, GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap guest memory");
	memcpy(vm->mem, guest_code, sizeof(guest_code));
	region.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
}

static void create_vcpu(struct vm *vm)
{
	int size;

	vm->vcpu_fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		die("KVM_CREATE_VCPU");
	size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	vm->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die("mmap kvm_run");
}

/* Real mode at 0000:0000 with the loop count in ECX. */
static void reset_vcpu(struct vm *vm, uint32_t iterations)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0, .rflags = 0x2, .rcx = iterations };

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Run to the hlt; returns the wall time in ns. */
static double run_guest(struct vm *vm)
{
	double start = now_ns();

	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			die("KVM_RUN");
		}
		if (vm->run->exit_reason == KVM_EXIT_HLT)
			return now_ns() - start;
		fprintf(stderr, "kvm-mode: none: the test guest stopped with exit reason %u\n",
			vm->run->exit_reason);
		puts("none");
		exit(0);
	}
}

/* The guest proves it ran the loop: ECX counted down to zero. */
static void check_guest(struct vm *vm)
{
	struct kvm_regs regs;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		die("KVM_GET_REGS");
	if ((uint32_t)regs.rcx != 0) {
		fprintf(stderr, "kvm-mode: none: the test guest stopped with ecx=%u, expected 0\n",
			(unsigned int)regs.rcx);
		puts("none");
		exit(0);
	}
}

int main(int argc, char **argv)
{
	struct vm vm;
	int verbose = argc == 2 && strcmp(argv[1], "--verbose") == 0;
	double ns_per_iter;

	if (argc > 2 || (argc == 2 && !verbose)) {
		fprintf(stderr, "usage: kvm-mode [--verbose]\n");
		return 2;
	}
	open_kvm(&vm);
	create_vm(&vm);
	create_vcpu(&vm);
	reset_vcpu(&vm, WARMUP_ITERATIONS);
	run_guest(&vm);
	check_guest(&vm);
	reset_vcpu(&vm, ITERATIONS);
	ns_per_iter = run_guest(&vm) / ITERATIONS;
	check_guest(&vm);
	if (verbose)
		printf("%.1f ns/iteration (%u iterations)\n", ns_per_iter, ITERATIONS);
	puts(ns_per_iter < NATIVE_NS_PER_ITER ? "native" : "emulated");
	return 0;
}
