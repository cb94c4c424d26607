/* SPDX-License-Identifier: MIT */
/* bzImage-shaped files for the unpacking tests: a setup header pointing
 * at a payload, compressed by the caller (or gzip here). */
#ifndef TESTS_BZIMAGE_FIXTURE_H
#define TESTS_BZIMAGE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* Writes test_path(name): the header, then len bytes of payload, which the
 * header claims to be claimed_len long. Returns the path. */
const char *bzimage_fixture_write(const char *name, const uint8_t *payload, size_t len,
				  uint32_t claimed_len);

/* gzip of in[0..len) into out (cap bytes), as the kernel build makes it. */
size_t bzimage_fixture_gzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

#endif
