/* SPDX-License-Identifier: MIT */
/* What an in-process call (an option parser, say) prints on stderr. */
#ifndef TESTS_STDERR_CAPTURE_H
#define TESTS_STDERR_CAPTURE_H

#include <stddef.h>

/* Runs fn(ctx) with stderr going to a temporary file, and puts what it
 * wrote in err (NUL-terminated, cut to size). Returns fn's value. */
int capture_stderr(int (*fn)(void *ctx), void *ctx, char *err, size_t size);

#endif
