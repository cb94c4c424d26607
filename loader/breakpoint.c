// SPDX-License-Identifier: MIT
#include "breakpoint.h"

#include "log.h"
#include "trace_log.h"

#include <string.h>
#include <sys/ioctl.h>

#define DR7_L0 (1u << 0)
#define DR7_RESERVED_ONE (1u << 10)
/* R/W0 = 00 (instruction execution) and LEN0 = 00: the zero bits of DR7. */

static int set_guest_debug(int vcpu_fd, uint32_t control, uint64_t address)
{
	struct kvm_guest_debug debug;

	memset(&debug, 0, sizeof(debug));
	debug.control = control;
	debug.arch.debugreg[0] = address;
	debug.arch.debugreg[7] = control ? DR7_L0 | DR7_RESERVED_ONE : 0;
	if (ioctl(vcpu_fd, KVM_SET_GUEST_DEBUG, &debug) < 0) {
		pr_errno("KVM_SET_GUEST_DEBUG");
		return -1;
	}
	return 0;
}

int breakpoint_arm(struct breakpoint *bp, int vcpu_fd)
{
	if (set_guest_debug(vcpu_fd, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP, bp->address))
		return -1;
	bp->armed = 1;
	return 0;
}

int breakpoint_handle(struct breakpoint *bp, int vcpu_fd, const struct kvm_debug_exit_arch *exit)
{
	if (!bp || !bp->armed || exit->pc != bp->address)
		return -1;
	trace_log_point(bp->point, TRACE_VALUE_NONE, "breakpoint");
	bp->armed = 0;
	bp->hit = 1;
	if (bp->exit_after == EXIT_AFTER_KERNEL)
		vmm_request_stop(bp->stop, STOP_EXIT_POINT);
	/* A hardware breakpoint is a fault: with it cleared, resuming executes
	 * the instruction it stopped on. */
	return set_guest_debug(vcpu_fd, 0, 0) ? -1 : 0;
}

void breakpoint_report_missing(const struct breakpoint *bp)
{
	if (bp && bp->address && !bp->hit)
		trace_log_missing(bp->point, "breakpoint");
}
