/* SPDX-License-Identifier: MIT */
/* A fast content hash for naming and identifying images (not for security):
 * 64-bit FNV-1a over 8-byte little-endian words, seeded with the length. */
#ifndef KVMLB_HASH_H
#define KVMLB_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t content_hash64(const uint8_t *bytes, size_t len);

/* Hashes a whole file (mapped). Returns 0, or -1 with errno. */
int content_hash64_file(const char *path, uint64_t *hash, uint64_t *size);

#endif
