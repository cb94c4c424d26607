/* SPDX-License-Identifier: MIT */
/*
 * kill(2) for one process only. kill(0, sig) signals our whole process group
 * (the test runner and make with it), kill(-1, sig) as root every process on
 * the machine: a pid left at 0 by a setup that returned early, or at -1 by a
 * failed fork, must never reach kill().
 */
#ifndef KVMLB_SIGNAL_PID_H
#define KVMLB_SIGNAL_PID_H

#include <sys/types.h>

/* kill(pid, sig) for pid > 0; for any other pid nothing is sent and it
 * returns -1 with errno EINVAL. */
int signal_pid(pid_t pid, int sig);

#endif
