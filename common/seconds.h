/* SPDX-License-Identifier: MIT */
/*
 * A time option's seconds (parse.h) as the system calls take them: an int
 * of milliseconds for epoll_wait, a timespec for nanosleep, a timeval for
 * setitimer. Each conversion clamps its input to 0..PARSE_SECONDS_MAX
 * first (NaN to 0), so no value, parsed or computed, can overflow a field
 * or come out negative: a day is 86,400,000 ms, far below INT_MAX.
 */
#ifndef KVMLB_SECONDS_H
#define KVMLB_SECONDS_H

#include "parse.h"

#include <sys/time.h>
#include <time.h>

static inline double seconds_clamped(double s)
{
	if (!(s > 0)) /* NaN too */
		return 0;
	return s < PARSE_SECONDS_MAX ? s : PARSE_SECONDS_MAX;
}

/* Milliseconds, rounded up: a wait for them never ends before s has
 * passed; 0 only for s <= 0. */
static inline int seconds_to_ms_up(double s)
{
	double ms = seconds_clamped(s) * 1000.0;
	int whole = (int)ms;

	return (double)whole < ms ? whole + 1 : whole;
}

/* tv_nsec stays below 1e9: the fraction is below 1, and its product with
 * 1e9 cannot round up to 1e9 (the largest fraction below 1 is 1 - 2^-53). */
static inline struct timespec seconds_to_timespec(double s)
{
	double c = seconds_clamped(s);
	struct timespec ts = { (time_t)c, (long)((c - (double)(time_t)c) * 1e9) };

	return ts;
}

/* At least 1 us for any s > 0: setitimer reads a zero it_value as
 * "disarm", which would turn the tiniest timeout into none. */
static inline struct timeval seconds_to_timeval(double s)
{
	double c = seconds_clamped(s);
	struct timeval tv = { (time_t)c, (suseconds_t)((c - (double)(time_t)c) * 1e6) };

	if (c > 0 && tv.tv_sec == 0 && tv.tv_usec == 0)
		tv.tv_usec = 1;
	return tv;
}

#endif
