/* SPDX-License-Identifier: MIT */
#ifndef LOADBENCH_MONOTONIC_H
#define LOADBENCH_MONOTONIC_H

#include "seconds.h"

#include <errno.h>
#include <time.h>

/* CLOCK_MONOTONIC in seconds. */
static inline double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps seconds, up to PARSE_SECONDS_MAX (usleep's useconds_t would wrap
 * past 71 minutes), resuming after signals. */
static inline void sleep_s(double seconds)
{
	struct timespec left = seconds_to_timespec(seconds);

	while (nanosleep(&left, &left) != 0 && errno == EINTR)
		;
}

#endif
