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

static void write_line(const char *line, int len);

/* The first record: main()'s own instant, so that a reader can tell the
 * VMM's start-up (exec, dynamic linking) from its load phase. */
void trace_log_open(int fd)
{
	char line[160];

	trace_fd = fd;
	if (trace_fd < 0)
		return;
	write_line(line,
		   snprintf(line, sizeof(line),
			    "{\"name\":\"vmm_start\",\"value\":null,\"ns\":0,\"mono_ns\":%llu,"
			    "\"source\":\"vmm\"}\n",
			    (unsigned long long)t0_ns));
}

static void write_line(const char *line, int len)
{
	if (len <= 0)
		return;
	while (write(trace_fd, line, (size_t)len) < 0 && errno == EINTR)
		;
}

void trace_log_point(const char *name, int value, const char *source)
{
	uint64_t mono = monotonic_ns(), ns = mono - t0_ns;
	char line[224], number[16] = "null";

	if (trace_fd < 0)
		return;
	if (value != TRACE_VALUE_NONE)
		snprintf(number, sizeof(number), "%d", value);
	write_line(line, snprintf(line, sizeof(line),
				  "{\"name\":\"%s\",\"value\":%s,\"ns\":%llu,\"mono_ns\":%llu,"
				  "\"source\":\"%s\"}\n",
				  name, number, (unsigned long long)ns, (unsigned long long)mono,
				  source));
}

void trace_log_missing(const char *name, const char *source)
{
	char line[192];

	if (trace_fd < 0)
		return;
	write_line(line, snprintf(line, sizeof(line),
				  "{\"name\":\"%s\",\"value\":null,\"ns\":null,\"source\":\"%s\","
				  "\"missing\":true}\n",
				  name, source));
}
