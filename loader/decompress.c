// SPDX-License-Identifier: MIT
/* The bzImage payload decompressors, one small function per format, all
 * from Debian's libraries. */
#include "bzimage.h"

#include "log.h"

#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define MAX_KERNEL_BYTES (1ULL << 30)
/* liblzma sizes its dictionary from the stream header: without a limit a
 * crafted header makes it allocate gigabytes (found by fuzz_bzimage).
 * Kernels use a 32 MiB (xz) or 64 MiB (lzma -9) dictionary. */
#define LZMA_MEMORY_LIMIT (256ULL << 20)
#define LZ4_LEGACY_MAGIC 0x184c2102u

struct codec {
	const char *name;
	const uint8_t *magic;
	size_t magic_len;
	/* Fills out[0..cap); returns bytes written or -1. in excludes the size trailer,
	 * except for gzip whose own trailer is those 4 bytes. */
	long long (*decode)(const uint8_t *in, size_t len, uint8_t *out, size_t cap);
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static long long decode_gzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream zs;
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK) /* +16: gzip wrapper */
		return -1;
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ret = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	return ret == Z_STREAM_END ? (long long)zs.total_out : -1;
}

static long long decode_lzma_stream(lzma_stream *strm, const uint8_t *in, size_t len, uint8_t *out,
				    size_t cap)
{
	lzma_ret ret;

	strm->next_in = in;
	strm->avail_in = len;
	strm->next_out = out;
	strm->avail_out = cap;
	ret = lzma_code(strm, LZMA_FINISH);
	lzma_end(strm);
	return ret == LZMA_STREAM_END ? (long long)strm->total_out : -1;
}

static long long decode_xz(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	lzma_stream strm = LZMA_STREAM_INIT;

	if (lzma_stream_decoder(&strm, LZMA_MEMORY_LIMIT, 0) != LZMA_OK)
		return -1;
	return decode_lzma_stream(&strm, in, len, out, cap);
}

static long long decode_lzma(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	lzma_stream strm = LZMA_STREAM_INIT;

	if (lzma_alone_decoder(&strm, LZMA_MEMORY_LIMIT) != LZMA_OK)
		return -1;
	return decode_lzma_stream(&strm, in, len, out, cap);
}

/* The kernel's lz4 is the legacy frame: magic, then blocks each preceded by
 * its compressed size; a repeated magic starts another frame. */
static long long decode_lz4(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t pos = 4, done = 0;

	while (pos + 4 <= len) {
		uint32_t block = le32(in + pos);
		int got;

		pos += 4;
		if (block == LZ4_LEGACY_MAGIC)
			continue;
		if (block > len - pos || cap - done > (size_t)INT32_MAX)
			return -1;
		got = LZ4_decompress_safe((const char *)in + pos, (char *)out + done, (int)block,
					  (int)(cap - done));
		if (got < 0)
			return -1;
		pos += block;
		done += (size_t)got;
	}
	return pos == len ? (long long)done : -1;
}

static long long decode_zstd(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t got = ZSTD_decompress(out, cap, in, len);

	return ZSTD_isError(got) ? -1 : (long long)got;
}

static const uint8_t gzip_magic[] = { 0x1f, 0x8b };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t lzma_magic[] = { 0x5d, 0x00, 0x00 };
static const uint8_t lz4_magic[] = { 0x02, 0x21, 0x4c, 0x18 };
static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
static const uint8_t bzip2_magic[] = { 'B', 'Z', 'h' };
static const uint8_t lzo_magic[] = { 0x89, 'L', 'Z', 'O' };

static const struct codec codecs[] = {
	{ "gzip", gzip_magic, sizeof(gzip_magic), decode_gzip },
	{ "xz", xz_magic, sizeof(xz_magic), decode_xz },
	{ "lzma", lzma_magic, sizeof(lzma_magic), decode_lzma },
	{ "lz4", lz4_magic, sizeof(lz4_magic), decode_lz4 },
	{ "zstd", zstd_magic, sizeof(zstd_magic), decode_zstd },
	/* Recognised so the error can name them; no decoder is linked. */
	{ "bzip2", bzip2_magic, sizeof(bzip2_magic), NULL },
	{ "lzo", lzo_magic, sizeof(lzo_magic), NULL },
};

static const struct codec *find_codec(const uint8_t *payload, size_t len)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (len >= codecs[i].magic_len &&
		    memcmp(payload, codecs[i].magic, codecs[i].magic_len) == 0)
			return &codecs[i];
	return NULL;
}

const char *payload_compressor(const uint8_t *payload, size_t len)
{
	const struct codec *codec = find_codec(payload, len);

	return codec ? codec->name : NULL;
}

int payload_decompress(const uint8_t *payload, size_t len, const char *path, uint8_t **out,
		       size_t *out_len)
{
	const struct codec *codec = find_codec(payload, len);
	size_t expected = le32(payload + len - 4);
	size_t in_len = codec && codec->decode == decode_gzip ? len : len - 4;
	long long got;

	if (!codec || !codec->decode) {
		pr_err("%s: bzImage payload compressed with %s, which loadvm cannot unpack "
		       "(gzip, xz, lzma, lz4, zstd)",
		       path, codec ? codec->name : "an unknown format");
		return -1;
	}
	if (expected == 0 || expected > MAX_KERNEL_BYTES) {
		pr_err("%s: bzImage payload claims %zu uncompressed bytes", path, expected);
		return -1;
	}
	*out = malloc(expected);
	if (!*out) {
		pr_err("%s: out of memory for %zu bytes", path, expected);
		return -1;
	}
	got = codec->decode(payload, in_len, *out, expected);
	if (got != (long long)expected) {
		pr_err("%s: %s payload is corrupt or truncated", path, codec->name);
		free(*out);
		*out = NULL;
		return -1;
	}
	*out_len = expected;
	return 0;
}
