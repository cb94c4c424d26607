// SPDX-License-Identifier: MIT
#include "utf8_text.h"

#include <string.h>

/* How many bytes a sequence with this lead byte has; 1 for ASCII and for a
 * byte that cannot lead (80..BF, C0 and C1: overlong, F5..FF). */
static int lead_length(unsigned char c)
{
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 1;
}

/* Unicode's table of well-formed sequences: the lead byte fixes the length
 * and the range of the second byte; later bytes are 80..BF. */
int utf8_sequence(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	int n = lead_length(c);
	uint32_t value = c & (0x7fu >> n); /* the lead's payload bits */

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (n == 1)
		return -1;
	if (c == 0xe0)
		lo = 0xa0; /* E0 80..9F: overlong */
	else if (c == 0xed)
		hi = 0x9f; /* ED A0..BF: surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* F0 80..8F: overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* F4 90..BF: past U+10FFFF */
	for (int i = 1; i < n; i++) {
		if ((size_t)i >= len || s[i] < lo || s[i] > hi)
			return -i;
		value = value << 6 | (s[i] & 0x3fu);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = value;
	return n;
}

bool utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

size_t utf8_cut(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	/* A cut character starts at one of the last three bytes. */
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = u[len - back];
		uint32_t cp;

		if (c < 0x80 || c >= 0xc0) {
			/* Cut short: well formed as far as it goes, shorter than its lead says. */
			if ((size_t)lead_length(c) > back &&
			    utf8_sequence(u + len - back, back, &cp) == -(int)back)
				return len - back;
			return len;
		}
	}
	return len;
}

size_t utf8_clean_line(char *out, size_t size, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t used = 0;

	while (len > 0) {
		uint32_t cp;
		int n = utf8_sequence(p, len, &cp);
		const char *put = (const char *)p;
		size_t put_len = (size_t)n;

		if (n < 0) {
			put = UTF8_REPLACEMENT;
			put_len = 3;
			n = -n;
		} else if (utf8_is_control(cp)) {
			put = " ";
			put_len = 1;
		}
		if (used + put_len >= size)
			break;
		memcpy(out + used, put, put_len);
		used += put_len;
		p += n;
		len -= (size_t)n;
	}
	out[used] = '\0';
	return used;
}
