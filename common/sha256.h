/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), for the images' identity in config.json and
 * summary.json: the lowercase hex digest is what `sha256sum FILE` prints. */
#ifndef KVMLB_SHA256_H
#define KVMLB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32
#define SHA256_HEX_SIZE (2 * SHA256_BYTES + 1) /* with the NUL */

struct sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	uint8_t block[64];
	size_t used; /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *bytes, size_t len);
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_BYTES]);

/* The digest of bytes, as lowercase hex. */
void sha256_hex(const void *bytes, size_t len, char hex[SHA256_HEX_SIZE]);

/* Hashes a whole file, read in chunks; *size is the bytes read. Returns 0,
 * or -1 with errno. */
int sha256_file(const char *path, char hex[SHA256_HEX_SIZE], uint64_t *size);

#endif
