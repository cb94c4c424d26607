/* SPDX-License-Identifier: MIT */
/*
 * probe_sum: the one checksum the probe guest and the host tools agree on.
 * It is built both freestanding (-m32, in the guest) and for the host, so it
 * uses nothing but <stddef.h> and <stdint.h>.
 *
 * Definition (all arithmetic modulo 2^32):
 *   split the bytes into 32-bit little-endian words, the last one padded
 *   with zero bytes;
 *   h = 0x811c9dc5;
 *   for each word w:  h = (h ^ w) * 0x01000193;
 *   then mix in the byte length L as two more words, low half first:
 *     h = (h ^ (L & 0xffffffff)) * 0x01000193;
 *     h = (h ^ (L >> 32)) * 0x01000193.
 *
 * It is FNV-1a taken a word at a time instead of a byte at a time: a load,
 * a xor and a multiply per four bytes keeps the emulated guest fast. Each
 * step is a bijection of h (xor, then multiply by an odd number), so any
 * single changed word always changes the result; mixing in the length tells
 * a file apart from the same file with trailing zero bytes.
 *
 * The page sample (probe_page_sum) folds only the first word of every
 * 4 KiB page, then the length in bytes: one touch per page, which is all the
 * guest can afford for a 24 MiB blob.
 */
#ifndef KVMLB_PROBE_SUM_H
#define KVMLB_PROBE_SUM_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_SUM_BASIS 0x811c9dc5u
#define PROBE_SUM_PRIME 0x01000193u
#define PROBE_SUM_PAGE 4096u

static inline uint32_t probe_sum_word(uint32_t h, uint32_t w)
{
	return (h ^ w) * PROBE_SUM_PRIME;
}

/* Byte by byte so the host's endianness does not matter; gcc turns this into
 * one 32-bit load on x86. */
static inline uint32_t probe_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Fold n bytes into h. Only the last call of a stream may pass an n that is
 * not a multiple of 4: its tail becomes one zero-padded word.
 */
static inline uint32_t probe_sum_update(uint32_t h, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	const unsigned char *end = p + (n & ~(size_t)3);

	for (; p != end; p += 4)
		h = probe_sum_word(h, probe_le32(p));
	if (n & 3) {
		uint32_t w = 0;

		for (unsigned int i = 0; i < (n & 3); i++)
			w |= (uint32_t)p[i] << (8 * i);
		h = probe_sum_word(h, w);
	}
	return h;
}

static inline uint32_t probe_sum_final(uint32_t h, uint64_t len)
{
	h = probe_sum_word(h, (uint32_t)len);
	return probe_sum_word(h, (uint32_t)(len >> 32));
}

/* probe_sum of a whole buffer: what `probe-sum FILE` prints. */
static inline uint32_t probe_sum(const void *buf, size_t len)
{
	return probe_sum_final(probe_sum_update(PROBE_SUM_BASIS, buf, len), len);
}

/* Fold the first word of each 4 KiB page of buf; len a multiple of 4 KiB. */
static inline uint32_t probe_page_sum_update(uint32_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t off = 0; off < len; off += PROBE_SUM_PAGE)
		h = probe_sum_word(h, probe_le32(p + off));
	return h;
}

/* The page sample of a whole page-aligned blob. */
static inline uint32_t probe_page_sum(const void *buf, size_t len)
{
	return probe_sum_final(probe_page_sum_update(PROBE_SUM_BASIS, buf, len), len);
}

#endif
