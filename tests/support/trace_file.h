/* SPDX-License-Identifier: MIT */
/* Reading loadvm's JSON Lines trace in tests. */
#ifndef TESTS_TRACE_FILE_H
#define TESTS_TRACE_FILE_H

#include <stdint.h>

#define TRACE_MAX_POINTS 32

struct trace_point_rec {
	char name[64];
	int value; /* -1 for null */
	uint64_t ns;
	char source[16]; /* vmm, port or breakpoint */
};

struct trace_file {
	unsigned int count;
	struct trace_point_rec points[TRACE_MAX_POINTS];
};

/* Returns the number of points read, or -1 if a line is malformed.
 * "missing" records (ns null) are skipped: they report no point. */
int trace_file_read(const char *path, struct trace_file *trace);
/* Index of the first point with that name, or -1. */
int trace_file_find(const struct trace_file *trace, const char *name);

#endif
