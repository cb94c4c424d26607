// SPDX-License-Identifier: MIT
#include "signal_pid.h"

#include <errno.h>
#include <signal.h>

int signal_pid(pid_t pid, int sig)
{
	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	return kill(pid, sig);
}
