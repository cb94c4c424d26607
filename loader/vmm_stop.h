/* SPDX-License-Identifier: MIT */
/* Why the run loop should stop. Written by devices and signal handlers,
 * read by the run loop after each exit from KVM_RUN. */
#ifndef LOADVM_VMM_STOP_H
#define LOADVM_VMM_STOP_H

#include <signal.h>

enum stop_reason {
	STOP_NONE = 0,
	STOP_GUEST_RESET, /* i8042 reset: the guest asked to end */
	STOP_EXIT_POINT,  /* --exit-after reached */
	STOP_SIGNAL,	  /* SIGTERM or SIGINT */
	STOP_TIMEOUT,	  /* --timeout expired */
	STOP_VCPU_DONE,	  /* a vCPU thread ended (crash, error, or one of the above) */
};

enum exit_after {
	EXIT_AFTER_NEVER = 0,
	EXIT_AFTER_LOAD,
	EXIT_AFTER_KERNEL,
	EXIT_AFTER_USER,
};

/* First reason wins: a timeout after a clean reset stays a clean reset. */
static inline void vmm_request_stop(volatile sig_atomic_t *stop, enum stop_reason reason)
{
	if (*stop == STOP_NONE)
		*stop = reason;
}

#endif
