// SPDX-License-Identifier: MIT
/* libFuzzer target: the option parsers for --instances lists and sizes. */
#include "bench_config.h"
#include "parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned counts[MAX_INSTANCE_COUNTS], nr;
	char *text = malloc(size + 1);
	uint64_t value;
	double seconds;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (parse_instance_list(text, counts, MAX_INSTANCE_COUNTS, &nr) == 0) {
		/* Accepted lists hold distinct counts from 1 to MAX_INSTANCES. */
		for (unsigned i = 0; i < nr; i++) {
			if (counts[i] < 1 || counts[i] > MAX_INSTANCES)
				__builtin_trap();
			for (unsigned j = 0; j < i; j++)
				if (counts[i] == counts[j])
					__builtin_trap();
		}
	}
	(void)parse_size(text, &value);
	(void)parse_u64(text, 0, UINT64_MAX, &value);
	(void)parse_seconds(text, &seconds);
	free(text);
	return 0;
}
