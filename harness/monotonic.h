/* SPDX-License-Identifier: MIT */
#ifndef LOADBENCH_MONOTONIC_H
#define LOADBENCH_MONOTONIC_H

#include <time.h>

/* CLOCK_MONOTONIC in seconds. */
static inline double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
