/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 checked sequence by sequence, for text from outside (a guest's
 * console, a VMM's stderr, a path) on its way into summary.json and
 * raw.csv. An ill-formed sequence (a stray continuation byte, an overlong
 * form, a surrogate, a code point past U+10FFFF, 0xF5..0xFF, a sequence cut
 * short) becomes U+FFFD, one for each "maximal subpart" as Unicode
 * recommends (and Python's decoder does); cuts fall between characters.
 */
#ifndef LOADBENCH_UTF8_TEXT_H
#define LOADBENCH_UTF8_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, 3 bytes */

/* The sequence at s, with len >= 1 bytes left: its length when well formed,
 * with its code point in *cp; else minus the length of its maximal
 * ill-formed subpart (1 to 3 bytes), which stands for one U+FFFD. */
int utf8_sequence(const unsigned char *s, size_t len, uint32_t *cp);

/* C0 controls, DEL and C1 controls (U+0080..U+009F). */
bool utf8_is_control(uint32_t cp);

/* The length of s[0..len) without a well-formed sequence cut short at its
 * end: for text that was cut at a byte count, so the cut character goes
 * rather than becoming U+FFFD. */
size_t utf8_cut(const char *s, size_t len);

/* text[0..len) as one line of well-formed UTF-8 in out (size >= 1, always
 * terminated): ill-formed sequences become U+FFFD and control characters
 * (NUL, tab and newline too) a space; the copy ends before the first
 * character that would not fit. Returns the length of out. */
size_t utf8_clean_line(char *out, size_t size, const char *text, size_t len);

#endif
