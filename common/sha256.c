// SPDX-License-Identifier: MIT
/* SHA-256 as FIPS 180-4 defines it: sections 4.1.2 (functions), 4.2.2
 * (constants), 5.1.1 (padding), 5.3.3 (initial value), 6.2.2 (computation). */
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (4.2.2). */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One 512-bit block (6.2.2). */
static void compress(uint32_t H[8], const uint8_t block[64])
{
	uint32_t W[64], a, b, c, d, e, f, g, h;

	for (unsigned t = 0; t < 16; t++)
		W[t] = load_be32(block + 4 * t);
	for (unsigned t = 16; t < 64; t++) {
		uint32_t s0 = rotr(W[t - 15], 7) ^ rotr(W[t - 15], 18) ^ (W[t - 15] >> 3);
		uint32_t s1 = rotr(W[t - 2], 17) ^ rotr(W[t - 2], 19) ^ (W[t - 2] >> 10);

		W[t] = s1 + W[t - 7] + s0 + W[t - 16];
	}
	a = H[0], b = H[1], c = H[2], d = H[3];
	e = H[4], f = H[5], g = H[6], h = H[7];
	for (unsigned t = 0; t < 64; t++) {
		uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t T1 = h + S1 + ch + K[t] + W[t];
		uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t T2 = S0 + maj;

		h = g;
		g = f;
		f = e;
		e = d + T1;
		d = c;
		c = b;
		b = a;
		a = T1 + T2;
	}
	H[0] += a, H[1] += b, H[2] += c, H[3] += d;
	H[4] += e, H[5] += f, H[6] += g, H[7] += h;
}

void sha256_init(struct sha256 *s)
{
	/* The first 32 bits of the fractional parts of the square roots of
	 * the first 8 primes (5.3.3). */
	static const uint32_t H0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->state, H0, sizeof(H0));
	s->length = 0;
	s->used = 0;
}

void sha256_update(struct sha256 *s, const void *bytes, size_t len)
{
	const uint8_t *p = bytes;

	s->length += len;
	if (s->used) {
		size_t take = sizeof(s->block) - s->used;

		if (take > len)
			take = len;
		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		len -= take;
		if (s->used < sizeof(s->block))
			return;
		compress(s->state, s->block);
		s->used = 0;
	}
	for (; len >= sizeof(s->block); p += sizeof(s->block), len -= sizeof(s->block))
		compress(s->state, p);
	memcpy(s->block, p, len);
	s->used = len;
}

/* Padding (5.1.1): a 1 bit, zeros to 448 bits mod 512, the length in bits
 * as a 64-bit big-endian number. */
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_BYTES])
{
	uint64_t bits = s->length * 8;

	s->block[s->used++] = 0x80;
	if (s->used > 56) {
		memset(s->block + s->used, 0, sizeof(s->block) - s->used);
		compress(s->state, s->block);
		s->used = 0;
	}
	memset(s->block + s->used, 0, 56 - s->used);
	store_be32(s->block + 56, (uint32_t)(bits >> 32));
	store_be32(s->block + 60, (uint32_t)bits);
	compress(s->state, s->block);
	for (unsigned i = 0; i < 8; i++)
		store_be32(digest + 4 * i, s->state[i]);
	memset(s, 0, sizeof(*s));
}

static void to_hex(const uint8_t digest[SHA256_BYTES], char hex[SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < SHA256_BYTES; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xf];
	}
	hex[2 * SHA256_BYTES] = '\0';
}

void sha256_hex(const void *bytes, size_t len, char hex[SHA256_HEX_SIZE])
{
	struct sha256 s;
	uint8_t digest[SHA256_BYTES];

	sha256_init(&s);
	sha256_update(&s, bytes, len);
	sha256_final(&s, digest);
	to_hex(digest, hex);
}

int sha256_file(const char *path, char hex[SHA256_HEX_SIZE], uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t buf[1 << 16], digest[SHA256_BYTES];
	struct sha256 s;
	ssize_t n;

	if (fd < 0)
		return -1;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			close(fd);
			errno = saved;
			return -1;
		}
		sha256_update(&s, buf, (size_t)n);
	}
	close(fd);
	*size = s.length;
	sha256_final(&s, digest);
	to_hex(digest, hex);
	return 0;
}
