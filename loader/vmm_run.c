// SPDX-License-Identifier: MIT
#include "vmm_run.h"

#include "log.h"
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

/* The signal handler's view: which flag to set and which vCPU to kick. */
static volatile sig_atomic_t *stop_flag;
static struct kvm_run *volatile running;

static void on_signal(int sig)
{
	vmm_request_stop(stop_flag, sig == SIGALRM ? STOP_TIMEOUT : STOP_SIGNAL);
	/* immediate_exit makes a KVM_RUN entered after this instant return at
	 * once, closing the race between checking the flag and entering. */
	if (running)
		running->immediate_exit = 1;
}

int vmm_install_stop_handlers(volatile sig_atomic_t *stop, double timeout_s)
{
	struct sigaction sa;
	const int signals[] = { SIGTERM, SIGINT, SIGALRM };

	stop_flag = stop;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: KVM_RUN must return EINTR */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (sigaction(signals[i], &sa, NULL) != 0) {
			pr_errno("sigaction");
			return -1;
		}
	if (timeout_s > 0) {
		struct itimerval timer = { { 0, 0 }, { (time_t)timeout_s,
						       (suseconds_t)((timeout_s - (time_t)timeout_s) * 1e6) } };

		if (setitimer(ITIMER_REAL, &timer, NULL) != 0) {
			pr_errno("setitimer");
			return -1;
		}
	}
	return 0;
}

static int guest_crashed(struct vm *vm, const char *what)
{
	struct kvm_regs regs;

	if (ioctl(vm->vcpu.fd, KVM_GET_REGS, &regs) == 0)
		pr_err("guest crashed: %s at RIP 0x%llx", what, (unsigned long long)regs.rip);
	else
		pr_err("guest crashed: %s", what);
	return EXIT_GUEST_CRASH;
}

static int handle_io(struct vm *vm, struct io_bus *bus)
{
	struct kvm_run *run = vm->vcpu.run;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;

	/* The data area is inside kvm_run's mapping; check before trusting it. */
	if (run->io.data_offset >= vm->vcpu.run_size || bytes > vm->vcpu.run_size - run->io.data_offset ||
	    run->io.size == 0 || run->io.size > 4)
		return guest_crashed(vm, "malformed port I/O exit");
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
		io_bus_pio(bus, run->io.port, data, run->io.size,
			   run->io.direction == KVM_EXIT_IO_OUT);
	return -1;
}

static int handle_mmio(struct vm *vm, struct io_bus *bus)
{
	struct kvm_run *run = vm->vcpu.run;

	/* Nothing is mapped outside RAM: reads see all-ones, writes vanish. */
	bus->unhandled_mmio++;
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	return -1;
}

/* Returns -1 to keep running, or an exit status. */
static int handle_exit(struct vm *vm, struct io_bus *bus)
{
	struct kvm_run *run = vm->vcpu.run;
	char what[96];

	switch (run->exit_reason) {
	case KVM_EXIT_IO: return handle_io(vm, bus);
	case KVM_EXIT_MMIO: return handle_mmio(vm, bus);
	case KVM_EXIT_HLT:
		/* Only without an in-kernel LAPIC; ours has one, so a halt with
		 * interrupts off simply blocks inside KVM_RUN until a signal. */
		pause();
		return -1;
	case KVM_EXIT_SYSTEM_EVENT:
		return run->system_event.type == KVM_SYSTEM_EVENT_CRASH
			       ? guest_crashed(vm, "system crash event") : EXIT_OK;
	case KVM_EXIT_SHUTDOWN: return guest_crashed(vm, "triple fault (KVM_EXIT_SHUTDOWN)");
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "failed entry, reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return guest_crashed(vm, what);
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what), "KVM internal error, suberror %u",
			 run->internal.suberror);
		return guest_crashed(vm, what);
	default:
		snprintf(what, sizeof(what), "unexpected KVM exit reason %u", run->exit_reason);
		return guest_crashed(vm, what);
	}
}

static int stop_status(sig_atomic_t reason)
{
	if (reason == STOP_TIMEOUT) {
		pr_err("timeout: the guest did not finish in time");
		return EXIT_TIMEOUT;
	}
	return EXIT_OK;
}

int vmm_run(struct vm *vm, struct io_bus *bus, volatile sig_atomic_t *stop)
{
	running = vm->vcpu.run;
	while (*stop == STOP_NONE) {
		int status;

		if (ioctl(vm->vcpu.fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			pr_errno("KVM_RUN");
			return EXIT_ERROR;
		}
		status = handle_exit(vm, bus);
		if (status >= 0)
			return status;
	}
	return stop_status(*stop);
}
