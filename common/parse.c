// SPDX-License-Identifier: MIT
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long value;

	/* strtoull accepts "-1" and leading blanks; a size must start with a digit. */
	if (!text || !isdigit((unsigned char)text[0]))
		return false;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || *end || value < min || value > max)
		return false;
	*out = value;
	return true;
}

bool parse_size(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long value;
	unsigned shift = 0;

	if (!text || !isdigit((unsigned char)text[0]))
		return false;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'K':
	case 'k':
		shift = 10;
		end++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		end++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		end++;
		break;
	default: break;
	}
	if (*end || (shift && value > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)value << shift;
	return true;
}

/* Refuses what strtod would take but no option means: blanks, signs,
 * "nan", "inf", hex floats, overflow and trailing junk. */
static bool parse_decimal(const char *text, double *out)
{
	char *end;
	double value;

	if (!text || !isdigit((unsigned char)text[0]) || strpbrk(text, "xX"))
		return false;
	errno = 0;
	value = strtod(text, &end);
	if (errno == ERANGE && value != 0)
		return false;
	if (*end || !isfinite(value))
		return false;
	*out = value;
	return true;
}

bool parse_seconds(const char *text, double *out)
{
	double value;

	if (!parse_decimal(text, &value) || value <= 0 || value > PARSE_SECONDS_MAX)
		return false;
	*out = value;
	return true;
}

bool parse_seconds_or_zero(const char *text, double *out)
{
	double value;

	if (!parse_decimal(text, &value) || value > PARSE_SECONDS_MAX)
		return false;
	*out = value;
	return true;
}
