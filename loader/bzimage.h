/* SPDX-License-Identifier: MIT */
/*
 * x86 bzImage: finding the compressed kernel through the setup header
 * (Documentation/arch/x86/boot.rst), and unpacking it to the PVH ELF inside.
 */
#ifndef LOADVM_BZIMAGE_H
#define LOADVM_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True if the bytes carry the "HdrS" setup-header signature. */
bool bzimage_detect(const uint8_t *file, size_t size);

/* Locates the compressed payload. -1 after a message naming path if the
 * header is too old or the payload lies outside the file. */
int bzimage_payload(const uint8_t *file, size_t size, const char *path, const uint8_t **payload,
		    size_t *payload_len);

/* Name of the payload's compressor from its magic, or NULL if unknown. */
const char *payload_compressor(const uint8_t *payload, size_t len);

/* Decompresses a payload (gzip, xz, lzma, lz4 legacy frames, zstd) into a
 * malloc'd buffer. The kernel build appends the uncompressed size as the
 * payload's last 4 bytes, which bounds the output. -1 after a message. */
int payload_decompress(const uint8_t *payload, size_t len, const char *path, uint8_t **out,
		       size_t *out_len);

#endif
