// SPDX-License-Identifier: MIT
#include "bzimage_fixture.h"

#include "test_main.h"

#include "spawn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SETUP_SECTS 1
#define PM_START ((SETUP_SECTS + 1) * 512)
#define PAYLOAD_REL 0x100

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

const char *bzimage_fixture_write(const char *name, const uint8_t *payload, size_t len,
				  uint32_t claimed_len)
{
	const char *path = test_path(name);
	uint8_t *file = calloc(1, PM_START + PAYLOAD_REL + len);
	FILE *f = fopen(path, "wb");

	assert_non_null(file);
	assert_non_null(f);
	file[0x1f1] = SETUP_SECTS;
	memcpy(file + 0x202, "HdrS", 4);
	file[0x206] = 0x0f; /* protocol 2.15 */
	file[0x207] = 0x02;
	put_le32(file + 0x248, PAYLOAD_REL);
	put_le32(file + 0x24c, claimed_len);
	memcpy(file + PM_START + PAYLOAD_REL, payload, len);
	assert_int_equal(fwrite(file, 1, PM_START + PAYLOAD_REL + len, f),
			 PM_START + PAYLOAD_REL + len);
	fclose(f);
	free(file);
	return path;
}

size_t bzimage_fixture_gzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	return zs.total_out; /* gzip's own trailer ends with the size */
}
