// SPDX-License-Identifier: MIT
#include "vmm_run.h"

#include "log.h"
#include "options.h"
#include "seconds.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <unistd.h>

#define KICK_SIGNAL SIGUSR1

struct vcpu_thread {
	pthread_t thread;
	struct vcpu *vcpu;
	struct runner *runner;
};

struct runner {
	struct vm *vm;
	struct io_bus *bus;
	struct breakpoint *bp;
	volatile sig_atomic_t *stop;
	pthread_mutex_t lock; /* devices are not thread-safe: one exit at a time */
	int done_fd;	      /* eventfd: a vCPU thread has finished */
	int status;	      /* first final status a vCPU reported, or -1 */
	struct vcpu_thread threads[VM_MAX_VCPUS];
};

/* The kick handler's view of the vCPU its thread runs. */
static __thread struct kvm_run *volatile current_run;

static void on_kick(int sig)
{
	(void)sig;
	/* immediate_exit makes a KVM_RUN entered after this instant return at
	 * once, closing the race between checking the stop flag and entering. */
	if (current_run)
		current_run->immediate_exit = 1;
}

static sigset_t stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGALRM);
	return set;
}

int vmm_block_stop_signals(double timeout_s, void (*before_run)(int sig))
{
	sigset_t set = stop_signals();
	struct itimerval timer = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa;

	sigdelset(&set, SIGALRM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = before_run;
	sigemptyset(&sa.sa_mask);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || sigaction(SIGALRM, &sa, NULL) != 0) {
		pr_errno("sigprocmask");
		return -1;
	}
	if (timeout_s <= 0)
		return 0;
	/* Never zero, which would disarm the timer: the tiniest timeout is 1 us. */
	timer.it_value = seconds_to_timeval(timeout_s);
	if (setitimer(ITIMER_REAL, &timer, NULL) != 0) {
		pr_errno("setitimer");
		return -1;
	}
	return 0;
}

static int guest_crashed(struct vcpu *vcpu, const char *what)
{
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) == 0)
		pr_err("guest crashed: %s at RIP 0x%llx", what, (unsigned long long)regs.rip);
	else
		pr_err("guest crashed: %s", what);
	return EXIT_GUEST_CRASH;
}

static int handle_io(struct vcpu *vcpu, struct io_bus *bus)
{
	struct kvm_run *run = vcpu->run;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;

	/* The data area is inside kvm_run's mapping; check before trusting it. */
	if (run->io.data_offset >= vcpu->run_size || bytes > vcpu->run_size - run->io.data_offset ||
	    run->io.size == 0 || run->io.size > 4)
		return guest_crashed(vcpu, "malformed port I/O exit");
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
		io_bus_pio(bus, run->io.port, data, run->io.size,
			   run->io.direction == KVM_EXIT_IO_OUT);
	return -1;
}

static int handle_mmio(struct vcpu *vcpu, struct io_bus *bus)
{
	struct kvm_run *run = vcpu->run;

	/* Nothing is mapped outside RAM: reads see all-ones, writes vanish. */
	bus->unhandled_mmio++;
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	return -1;
}

/* Returns -1 to keep running, or a final exit status. */
static int handle_exit(struct vcpu *vcpu, struct runner *r)
{
	struct kvm_run *run = vcpu->run;
	char what[96];

	switch (run->exit_reason) {
	case KVM_EXIT_IO: return handle_io(vcpu, r->bus);
	case KVM_EXIT_MMIO: return handle_mmio(vcpu, r->bus);
	case KVM_EXIT_DEBUG:
		if (breakpoint_handle(r->bp, vcpu->fd, &run->debug.arch) != 0)
			pr_info("debug exit at 0x%llx that is not ours, ignored",
				(unsigned long long)run->debug.arch.pc);
		return -1;
	case KVM_EXIT_HLT:
		/* Only seen without an in-kernel LAPIC; ours has one, so a halt
		 * blocks inside KVM_RUN. Treat a stray one as a no-op. */
		return -1;
	case KVM_EXIT_SYSTEM_EVENT:
		return run->system_event.type == KVM_SYSTEM_EVENT_CRASH
			       ? guest_crashed(vcpu, "system crash event")
			       : EXIT_OK;
	case KVM_EXIT_SHUTDOWN: return guest_crashed(vcpu, "triple fault (KVM_EXIT_SHUTDOWN)");
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "failed entry, reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return guest_crashed(vcpu, what);
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what), "KVM internal error, suberror %u",
			 run->internal.suberror);
		return guest_crashed(vcpu, what);
	default:
		snprintf(what, sizeof(what), "unexpected KVM exit reason %u", run->exit_reason);
		return guest_crashed(vcpu, what);
	}
}

static int run_vcpu(struct vcpu *vcpu, struct runner *r)
{
	while (*r->stop == STOP_NONE) {
		int status;

		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			pr_errno("KVM_RUN");
			return EXIT_ERROR;
		}
		pthread_mutex_lock(&r->lock);
		status = handle_exit(vcpu, r);
		pthread_mutex_unlock(&r->lock);
		if (status >= 0)
			return status;
	}
	return -1; /* stopped from outside: the stop reason decides */
}

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct runner *r = t->runner;
	uint64_t one = 1;
	int status;

	current_run = t->vcpu->run;
	status = run_vcpu(t->vcpu, r);
	pthread_mutex_lock(&r->lock);
	if (status >= 0 && r->status < 0)
		r->status = status;
	vmm_request_stop(r->stop, STOP_VCPU_DONE);
	pthread_mutex_unlock(&r->lock);
	if (write(r->done_fd, &one, sizeof(one)) < 0)
		pr_errno("eventfd write");
	return NULL;
}

/* Blocks until a vCPU finishes or a stop signal arrives. */
static void wait_for_stop(struct runner *r, int signal_fd)
{
	struct pollfd fds[2] = { { r->done_fd, POLLIN, 0 }, { signal_fd, POLLIN, 0 } };
	struct signalfd_siginfo info;

	while (*r->stop == STOP_NONE) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if ((fds[1].revents & POLLIN) &&
		    read(signal_fd, &info, sizeof(info)) == sizeof(info)) {
			pthread_mutex_lock(&r->lock);
			vmm_request_stop(r->stop,
					 info.ssi_signo == SIGALRM ? STOP_TIMEOUT : STOP_SIGNAL);
			pthread_mutex_unlock(&r->lock);
		}
	}
}

static int install_kick_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick; /* no SA_RESTART: KVM_RUN must return EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIGNAL, &sa, NULL) != 0) {
		pr_errno("sigaction");
		return -1;
	}
	return 0;
}

static int final_status(const struct runner *r)
{
	if (r->status >= 0)
		return r->status;
	if (*r->stop == STOP_TIMEOUT) {
		pr_err("timeout: the guest did not finish in time");
		return EXIT_TIMEOUT;
	}
	return EXIT_OK;
}

static unsigned start_threads(struct runner *r)
{
	unsigned started = 0;

	for (; started < r->vm->nr_vcpus; started++) {
		struct vcpu_thread *t = &r->threads[started];

		t->vcpu = &r->vm->vcpus[started];
		t->runner = r;
		if (pthread_create(&t->thread, NULL, vcpu_main, t) != 0) {
			pr_err("cannot start vCPU thread %u", started);
			vmm_request_stop(r->stop, STOP_SIGNAL);
			r->status = EXIT_ERROR;
			break;
		}
	}
	return started;
}

int vmm_run(struct vm *vm, struct io_bus *bus, struct breakpoint *bp, volatile sig_atomic_t *stop)
{
	static struct runner r;
	sigset_t set = stop_signals();
	int signal_fd;
	unsigned started;

	/* From here the timeout is a stop like any other, read below. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		pr_errno("sigprocmask");
		return EXIT_ERROR;
	}
	signal_fd = signalfd(-1, &set, SFD_CLOEXEC);

	r.vm = vm;
	r.bus = bus;
	r.bp = bp;
	r.stop = stop;
	r.status = -1;
	pthread_mutex_init(&r.lock, NULL);
	r.done_fd = eventfd(0, EFD_CLOEXEC);
	if (signal_fd < 0 || r.done_fd < 0 || install_kick_handler()) {
		pr_errno("signalfd/eventfd");
		return EXIT_ERROR;
	}
	started = start_threads(&r);
	wait_for_stop(&r, signal_fd);
	for (unsigned i = 0; i < started; i++)
		pthread_kill(r.threads[i].thread, KICK_SIGNAL);
	for (unsigned i = 0; i < started; i++)
		pthread_join(r.threads[i].thread, NULL);
	close(signal_fd);
	close(r.done_fd);
	return final_status(&r);
}
