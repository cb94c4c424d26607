// SPDX-License-Identifier: MIT
/* libFuzzer target: the smaps_rollup parser on arbitrary text. */
#include "smaps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct smaps_rollup rollup;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (smaps_parse(text, &rollup) == 0) {
		for (int i = 0; i < SMAPS_NR_FIELDS; i++)
			if (rollup.kb[i] < -1)
				__builtin_trap();
		(void)smaps_uss_kb(&rollup);
	}
	free(text);
	return 0;
}
