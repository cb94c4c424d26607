// SPDX-License-Identifier: MIT
/* The end of a round's instances: reaped with their rusage, and why an
 * instance that had not booted ended. */
#include "round_internal.h"

#include "monotonic.h"
#include "signal_pid.h"

#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define STOP_GRACE_S 2.0

static void record_exit(struct running *r, int status, const struct rusage *ru)
{
	char why[sizeof(r->res->reason)];

	r->reaped = 1;
	r->res->minor_faults = ru->ru_minflt;
	r->res->user_ms = (double)ru->ru_utime.tv_sec * 1e3 + (double)ru->ru_utime.tv_usec / 1e3;
	r->res->system_ms = (double)ru->ru_stime.tv_sec * 1e3 + (double)ru->ru_stime.tv_usec / 1e3;
	if (booted(r))
		return;
	/* The VMM's stderr, or its guest's console when that says nothing. */
	reason_exit(why, sizeof(why), status, r->log_path, r->launch.serial);
	if (r->res->status == INSTANCE_OK)
		set_failure(r->res, INSTANCE_EXITED, why);
}

/* SIGTERM, a grace period, then SIGKILL; reaps everything with rusage. */
void instance_stop_all(struct running *runs, unsigned n)
{
	double deadline = monotonic_s() + STOP_GRACE_S;
	unsigned left = 0;

	for (unsigned i = 0; i < n; i++)
		if (runs[i].res->pid > 0 && !runs[i].reaped) {
			signal_pid(runs[i].res->pid, SIGTERM);
			left++;
		}
	while (left > 0) {
		int forced = monotonic_s() > deadline;

		for (unsigned i = 0; i < n; i++) {
			struct running *r = &runs[i];
			struct rusage ru;
			int status;

			if (r->res->pid <= 0 || r->reaped)
				continue;
			if (forced)
				signal_pid(r->res->pid, SIGKILL);
			if (wait4(r->res->pid, &status, forced ? 0 : WNOHANG, &ru) == r->res->pid) {
				record_exit(r, status, &ru);
				left--;
			}
		}
		if (left > 0)
			usleep(2000);
	}
}

/* An instance that ended during the settle time cannot be sampled. */
void instance_reap_exited(struct running *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct running *r = &runs[i];
		struct rusage ru;
		char why[64];
		int status;

		if (r->res->pid <= 0 || r->reaped ||
		    wait4(r->res->pid, &status, WNOHANG, &ru) != r->res->pid)
			continue;
		record_exit(r, status, &ru);
		snprintf(why, sizeof(why), "%s ended before sampling", r->backend->name);
		if (booted(r))
			set_failure(r->res, INSTANCE_NO_SAMPLE, why);
	}
}
