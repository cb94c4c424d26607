// SPDX-License-Identifier: MIT
#include "trace_log.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static uint64_t t0_ns;
static int trace_fd = -1;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void trace_clock_start(void)
{
	t0_ns = monotonic_ns();
}

uint64_t trace_clock_ns(void)
{
	return monotonic_ns() - t0_ns;
}

void trace_log_open(int fd)
{
	trace_fd = fd;
}

void trace_log_point(const char *name, int value)
{
	uint64_t ns = trace_clock_ns();
	char line[160], number[16] = "null";
	int len;

	if (trace_fd < 0)
		return;
	if (value != TRACE_VALUE_NONE)
		snprintf(number, sizeof(number), "%d", value);
	len = snprintf(line, sizeof(line), "{\"name\":\"%s\",\"value\":%s,\"ns\":%llu}\n", name,
		       number, (unsigned long long)ns);
	while (write(trace_fd, line, (size_t)len) < 0 && errno == EINTR)
		;
}
