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

/* Seconds, decimal with an optional fraction ("2", "0.5"), > 0. */
bool parse_seconds(const char *text, double *out);

#endif
