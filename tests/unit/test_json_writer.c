// SPDX-License-Identifier: MIT
/*
 * summary.json is valid JSON whatever its strings hold: quotes, backslashes
 * and control characters escaped, ill-formed UTF-8 replaced with U+FFFD the
 * way Python's decoder replaces it. Exact bytes are asserted, and python3's
 * json module (strict UTF-8) must read what the writer wrote.
 */
#include "../support/test_main.h"

#include "../support/python_check.h"

#include "json_writer.h"
#include "utf8_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FFFD UTF8_REPLACEMENT

/* What json_string writes for value at the top level. */
static char *json_of(const char *value)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_writer j;

	assert_non_null(f);
	json_init(&j, f);
	json_string(&j, NULL, value);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void assert_json_of(const char *value, const char *want)
{
	char *got = json_of(value);

	assert_string_equal(got, want);
	free(got);
}

static int python(const char *script, const char *text)
{
	return python_run(script, text, 0);
}

static void quotes_backslashes_and_controls_are_escaped(void **state)
{
	(void)state;
	assert_json_of("plain", "\"plain\"");
	assert_json_of("", "\"\"");
	assert_json_of("say \"hi\" \\ bye", "\"say \\\"hi\\\" \\\\ bye\"");
	assert_json_of("\x01\t\n\r\x1b[0m\x1f",
		       "\"\\u0001\\u0009\\u000a\\u000d\\u001b[0m\\u001f\"");
	/* DEL and the C1 controls (U+0085 is C2 85) are escaped as well. */
	assert_json_of("a\x7f"
		       "b\xc2\x85"
		       "c\xc2\x9f"
		       "d\xc2\xa0",
		       "\"a\\u007fb\\u0085c\\u009fd\xc2\xa0\"");
	assert_json_of("/ stays", "\"/ stays\"");
}

static void well_formed_utf8_passes_unchanged(void **state)
{
	(void)state;
	/* 2, 3 and 4 bytes, the last code points before the surrogates and U+10FFFF. */
	assert_json_of("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf",
		       "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf\"");
}

/* One U+FFFD per maximal ill-formed subpart, as Python's "replace" gives. */
static void ill_formed_utf8_becomes_fffd(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a\x80z", "\"a" FFFD "z\"" },			       /* lone continuation */
		{ "\xbf", "\"" FFFD "\"" },			       /* lone continuation */
		{ "\xc0\xaf", "\"" FFFD FFFD "\"" },		       /* overlong '/' */
		{ "\xc1\xbf", "\"" FFFD FFFD "\"" },		       /* overlong */
		{ "\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"" },	       /* overlong, 3 bytes */
		{ "\xf0\x80\x80\xaf", "\"" FFFD FFFD FFFD FFFD "\"" }, /* overlong, 4 bytes */
		{ "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"" },	       /* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" }, /* U+110000 */
		{ "\xe2\x82"
		  "A",
		  "\"" FFFD "A\"" },					/* cut short, then ASCII */
		{ "\xe2\x82\xe2\x82\xac", "\"" FFFD "\xe2\x82\xac\"" }, /* cut short, then a char */
		{ "x\xf0\x9f\x98", "\"x" FFFD "\"" },			/* cut short at the end */
		{ "\xf8\x88\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD FFFD "\"" }, /* 5-byte form */
		{ "\xfe\xff", "\"" FFFD FFFD "\"" },
		{ "\xc3\"", "\"" FFFD "\\\"\"" }, /* a quote ends the sequence and is escaped */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = json_of(cases[i].in);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got %s, want %s", i, got, cases[i].want);
		assert_int_equal(python(PY_STRICT_JSON, got), 0);
		free(got);
	}
}

/* The escaping helper must not be what makes python accept: bytes that are
 * not UTF-8 do fail the check. */
static void python_check_catches_invalid_utf8(void **state)
{
	(void)state;
	assert_int_equal(python(PY_STRICT_JSON, "\"ok\""), 0);
	assert_int_not_equal(python_run(PY_STRICT_JSON, "\"\xff\"", 1), 0);
	assert_int_not_equal(python_run(PY_STRICT_JSON, "\"\xed\xa0\x80\"", 1), 0);
	assert_int_not_equal(python_run(PY_STRICT_JSON, "\"\x01\"", 1), 0);
}

static void keys_and_nesting(void **state)
{
	static const char want[] = "{\n"
				   "  \"k\\u0001" FFFD "\": \"v\",\n"
				   "  \"list\": [\n"
				   "    \"a\\\\b\",\n"
				   "    null\n"
				   "  ],\n"
				   "  \"empty\": {}\n"
				   "}\n";
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_writer j;

	(void)state;
	assert_non_null(f);
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_string(&j, "k\x01\xff", "v");
	json_array_begin(&j, "list");
	json_string(&j, NULL, "a\\b");
	json_string(&j, NULL, NULL);
	json_array_end(&j);
	json_object_begin(&j, "empty");
	json_object_end(&j);
	json_object_end(&j);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, want);
	assert_int_equal(python(PY_STRICT_JSON, text), 0);
	free(text);
}

/* A small fixed-seed generator, so a failure repeats. */
static uint32_t next_random(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Thousands of byte strings heavy in lead, continuation and boundary bytes:
 * what python3 reads back from each must equal Python's own decoding of the
 * bytes with errors="replace". */
static void agrees_with_pythons_decoder(void **state)
{
	static const unsigned char edge[] = { 0x01, 0x1f, '"',	'\\', 'a',  0x7f, 0x80, 0x8f,
					      0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
					      0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3,
					      0xf4, 0xf5, 0xf8, 0xfe, 0xff };
	static const char script[] =
		"import json, sys\n"
		"bad = 0\n"
		"for line in sys.stdin.buffer.read().decode(\"utf-8\").split(\"\\n\")[:-1]:\n"
		"    raw, text = line.split(\"\\t\", 1)\n"
		"    want = bytes.fromhex(raw).decode(\"utf-8\", \"replace\")\n"
		"    if json.loads(text) != want:\n"
		"        print(\"differs:\", raw, ascii(text), file=sys.stderr)\n"
		"        bad = 1\n"
		"sys.exit(bad)\n";
	char *all = NULL;
	size_t all_len = 0;
	FILE *f = open_memstream(&all, &all_len);
	uint32_t seed = 1;

	(void)state;
	assert_non_null(f);
	for (int n = 0; n < 5000; n++) {
		unsigned char bytes[13];
		size_t len = next_random(&seed) % (sizeof(bytes) - 1);
		char *text;

		for (size_t i = 0; i < len; i++) {
			uint32_t r = next_random(&seed);

			bytes[i] = r % 3 ? edge[(r >> 4) % sizeof(edge)]
					 : (unsigned char)(1 + r % 255);
			fprintf(f, "%02x", bytes[i]);
		}
		bytes[len] = '\0';
		text = json_of((const char *)bytes);
		fprintf(f, "\t%s\n", text);
		free(text);
	}
	assert_int_equal(fclose(f), 0);
	assert_int_equal(python(script, all), 0);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quotes_backslashes_and_controls_are_escaped),
		cmocka_unit_test(well_formed_utf8_passes_unchanged),
		cmocka_unit_test(ill_formed_utf8_becomes_fffd),
		cmocka_unit_test(python_check_catches_invalid_utf8),
		cmocka_unit_test(keys_and_nesting),
		cmocka_unit_test(agrees_with_pythons_decoder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
