// SPDX-License-Identifier: MIT
/* bzImage unpacking on small bzImage-shaped fixtures, one per compressor,
 * compressed here with the same Debian libraries the kernel build's tools
 * use, and the ways a bzImage can be broken. */
#include "../support/test_main.h"

#include "../support/bzimage_fixture.h"
#include "../support/elf_fixture.h"
#include "../support/spawn.h"
#include "bzimage.h"
#include "kernel_cache.h"
#include "log.h"

#include <lz4.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define CAP (1 << 20)

static uint8_t elf[0x4000];
static size_t elf_len;

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static size_t gzip_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	return bzimage_fixture_gzip(in, len, out, CAP);
}

static size_t with_size_trailer(uint8_t *out, size_t used, size_t original)
{
	put_le32(out + used, (uint32_t)original); /* the kernel build's size_append */
	return used + 4;
}

static size_t xz_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t pos = 0;

	assert_int_equal(
		lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, out, &pos, CAP),
		LZMA_OK);
	return with_size_trailer(out, pos, len);
}

static size_t lzma_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	lzma_options_lzma opts;

	lzma_lzma_preset(&opts, 6);
	assert_int_equal(lzma_alone_encoder(&strm, &opts), LZMA_OK);
	strm.next_in = in;
	strm.avail_in = len;
	strm.next_out = out;
	strm.avail_out = CAP;
	assert_int_equal(lzma_code(&strm, LZMA_FINISH), LZMA_STREAM_END);
	lzma_end(&strm);
	return with_size_trailer(out, strm.total_out, len);
}

static size_t lz4_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	int block;

	put_le32(out, 0x184c2102); /* legacy frame magic */
	block = LZ4_compress_default((const char *)in, (char *)out + 8, (int)len, CAP - 16);
	assert_true(block > 0);
	put_le32(out + 4, (uint32_t)block);
	return with_size_trailer(out, 8 + (size_t)block, len);
}

static size_t zstd_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t got = ZSTD_compress(out, CAP, in, len, 19);

	assert_false(ZSTD_isError(got));
	return with_size_trailer(out, got, len);
}

static const char *write_bzimage(const char *name, const uint8_t *payload, size_t len,
				 uint32_t claimed_len)
{
	return bzimage_fixture_write(name, payload, len, claimed_len);
}

static int setup(void **state)
{
	struct elf_fixture f;
	int fd;

	(void)state;
	elf_fixture_default(&f);
	fd = elf_fixture_fd(&f);
	assert_true(fd >= 0);
	elf_len = (size_t)pread(fd, elf, sizeof(elf), 0);
	close(fd);
	setenv("XDG_CACHE_HOME", test_path("cache"), 1);
	return 0;
}

static void unpacks(size_t (*encode)(const uint8_t *, size_t, uint8_t *), const char *codec)
{
	uint8_t *payload = malloc(CAP);
	char name[32], elf_path[4096];
	const char *path;
	size_t len;
	char *unpacked;

	assert_non_null(payload);
	len = encode(elf, elf_len, payload);
	assert_string_equal(payload_compressor(payload, len), codec);
	snprintf(name, sizeof(name), "bz-%s", codec);
	path = write_bzimage(name, payload, len, (uint32_t)len);
	assert_int_equal(kernel_cache_resolve(path, elf_path, sizeof(elf_path)), 1);
	assert_non_null(strstr(elf_path, "/kvm-loadbench/vmlinux-"));
	unpacked = slurp(elf_path);
	assert_non_null(unpacked);
	assert_memory_equal(unpacked, elf, elf_len);
	free(unpacked);
	/* A second run reuses the cached copy under the same name. */
	char again[4096];
	assert_int_equal(kernel_cache_resolve(path, again, sizeof(again)), 1);
	assert_string_equal(again, elf_path);
	free(payload);
}

static void gzip_payload(void **state)
{
	(void)state;
	unpacks(gzip_encode, "gzip");
}
static void xz_payload(void **state)
{
	(void)state;
	unpacks(xz_encode, "xz");
}
static void lzma_payload(void **state)
{
	(void)state;
	unpacks(lzma_encode, "lzma");
}
static void lz4_payload(void **state)
{
	(void)state;
	unpacks(lz4_encode, "lz4");
}
static void zstd_payload(void **state)
{
	(void)state;
	unpacks(zstd_encode, "zstd");
}

static void plain_elf_passes_through(void **state)
{
	char elf_path[4096];
	const char *path = test_path("plain.elf");
	FILE *f = fopen(path, "wb");

	(void)state;
	fwrite(elf, 1, elf_len, f);
	fclose(f);
	assert_int_equal(kernel_cache_resolve(path, elf_path, sizeof(elf_path)), 0);
	assert_string_equal(elf_path, path);
}

static void expect_refused(const char *name, const uint8_t *payload, size_t len, uint32_t claimed)
{
	char elf_path[4096];

	assert_int_equal(kernel_cache_resolve(write_bzimage(name, payload, len, claimed), elf_path,
					      sizeof(elf_path)),
			 -1);
}

static void unknown_compressor_is_refused(void **state)
{
	static const uint8_t bzip2[] = "BZh91AY&SY and more bytes";
	static const uint8_t junk[] = "\x42\x42\x42\x42 not any compressor at all";

	(void)state;
	expect_refused("bz-bzip2", bzip2, sizeof(bzip2), sizeof(bzip2));
	expect_refused("bz-junk", junk, sizeof(junk), sizeof(junk));
}

static void truncated_payload_is_refused(void **state)
{
	uint8_t *payload = malloc(CAP);
	size_t len = zstd_encode(elf, elf_len, payload);

	(void)state;
	/* The header claims more bytes than the file has. */
	expect_refused("bz-short", payload, len, (uint32_t)len + 4096);
	/* The header is right but the stream was cut. */
	put_le32(payload + len / 2 - 4, (uint32_t)elf_len);
	expect_refused("bz-cut", payload, len / 2, (uint32_t)len / 2);
	free(payload);
}

static void payload_that_is_not_elf_is_refused(void **state)
{
	static const uint8_t text[4096] = "a text file, compressed, is no kernel";
	uint8_t *payload = malloc(CAP);
	size_t len = gzip_encode(text, sizeof(text), payload);

	(void)state;
	expect_refused("bz-text", payload, len, (uint32_t)len);
	free(payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gzip_payload),
		cmocka_unit_test(xz_payload),
		cmocka_unit_test(lzma_payload),
		cmocka_unit_test(lz4_payload),
		cmocka_unit_test(zstd_payload),
		cmocka_unit_test(plain_elf_passes_through),
		cmocka_unit_test(unknown_compressor_is_refused),
		cmocka_unit_test(truncated_payload_is_refused),
		cmocka_unit_test(payload_that_is_not_elf_is_refused),
	};

	log_set_program("test_bzimage");
	return cmocka_run_group_tests(tests, setup, NULL);
}
