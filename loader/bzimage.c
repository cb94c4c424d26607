// SPDX-License-Identifier: MIT
#include "bzimage.h"

#include "log.h"

#include <string.h>

#define SETUP_SECTS_OFFSET 0x1f1
#define HEADER_MAGIC_OFFSET 0x202
#define HEADER_VERSION_OFFSET 0x206
#define PAYLOAD_OFFSET_OFFSET 0x248
#define PAYLOAD_LENGTH_OFFSET 0x24c
#define HEADER_END 0x250
#define PAYLOAD_FIELDS_VERSION 0x0208 /* boot protocol 2.08 added them */
#define SECTOR 512

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool bzimage_detect(const uint8_t *file, size_t size)
{
	return size >= HEADER_END && memcmp(file + HEADER_MAGIC_OFFSET, "HdrS", 4) == 0;
}

int bzimage_payload(const uint8_t *file, size_t size, const char *path, const uint8_t **payload,
		    size_t *payload_len)
{
	unsigned setup_sects = file[SETUP_SECTS_OFFSET] ? file[SETUP_SECTS_OFFSET] : 4;
	uint16_t version =
		(uint16_t)(file[HEADER_VERSION_OFFSET] | file[HEADER_VERSION_OFFSET + 1] << 8);
	uint64_t start = (uint64_t)(setup_sects + 1) * SECTOR + le32(file + PAYLOAD_OFFSET_OFFSET);
	uint64_t len = le32(file + PAYLOAD_LENGTH_OFFSET);

	if (version < PAYLOAD_FIELDS_VERSION) {
		pr_err("%s: bzImage boot protocol %u.%02u is older than 2.08 (no payload fields)",
		       path, version >> 8, version & 0xff);
		return -1;
	}
	if (len < 8 || start > size || len > size - start) {
		pr_err("%s: bzImage payload lies outside the file (truncated?)", path);
		return -1;
	}
	*payload = file + start;
	*payload_len = (size_t)len;
	return 0;
}
