/* SPDX-License-Identifier: MIT */
/* Strict number parsing for command-line options: whole string, no sign
 * surprises, overflow reported. Shared by loadvm and loadbench. */
#ifndef KVMLB_PARSE_H
#define KVMLB_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal unsigned integer in [min, max]. */
bool parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out);

/* Byte size with an optional K, M or G suffix (powers of 1024). */
bool parse_size(const char *text, uint64_t *out);

/* Time options are bounded, so every later conversion (an int of
 * milliseconds for epoll_wait, a timespec, an itimerval) stays exact and
 * no typo waits for years. */
#define PARSE_SECONDS_MAX 86400.0 /* one day */

/* Seconds, decimal with an optional fraction or exponent ("2", "0.5",
 * "1e2"), > 0 and at most PARSE_SECONDS_MAX. */
bool parse_seconds(const char *text, double *out);

/* The same, where 0 means something (e.g. no settle time): "0", "0.0" and
 * "0e0" all give 0. */
bool parse_seconds_or_zero(const char *text, double *out);

#endif
