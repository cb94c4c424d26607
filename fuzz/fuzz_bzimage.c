// SPDX-License-Identifier: MIT
/* libFuzzer target: the bzImage setup-header reader and every payload
 * decompressor, on arbitrary bytes. */
#include "bzimage.h"
#include "log.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *payload;
	size_t payload_len, out_len;
	uint8_t *out;

	log_set_program("fuzz_bzimage");
	/* The header path, when the input looks like a bzImage... */
	if (bzimage_detect(data, size) &&
	    bzimage_payload(data, size, "input", &payload, &payload_len) == 0 &&
	    payload_decompress(payload, payload_len, "input", &out, &out_len) == 0)
		free(out);
	/* ...and the decompressors on the raw input, which is what a payload is. */
	if (size >= 8 && payload_decompress(data, size, "input", &out, &out_len) == 0)
		free(out);
	return 0;
}
