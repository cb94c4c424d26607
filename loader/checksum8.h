/* SPDX-License-Identifier: MIT */
/* The byte that makes a firmware table sum to zero modulo 256: the rule
 * of ACPI tables and of MP tables alike. */
#ifndef LOADVM_CHECKSUM8_H
#define LOADVM_CHECKSUM8_H

#include <stddef.h>
#include <stdint.h>

static inline uint8_t checksum8(const uint8_t *bytes, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *bytes++);
	return (uint8_t)-sum;
}

#endif
