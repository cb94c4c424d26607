// SPDX-License-Identifier: MIT
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *program = "kvm-loadbench";
static bool verbose;

void log_set_program(const char *name)
{
	program = name;
}

void log_set_verbose(bool on)
{
	verbose = on;
}

static void vlog(const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];

	/* The analyzer loses track of a va_list passed by value (an array type
	 * on x86-64); every caller has done va_start. */
	vsnprintf(line, sizeof(line), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	if (suffix)
		fprintf(stderr, "%s: %s: %s\n", program, line, suffix);
	else
		fprintf(stderr, "%s: %s\n", program, line);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void pr_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, strerror(saved));
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}
