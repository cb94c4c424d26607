// SPDX-License-Identifier: MIT
/*
 * summary.json is valid JSON whatever its strings hold: quotes, backslashes
 * and control characters escaped, ill-formed UTF-8 replaced with U+FFFD the
 * way Python's decoder replaces it. Exact bytes are asserted, and python3's
 * json module (strict UTF-8) must read what the writer wrote. Numbers read
 * back exact; a document that cannot be built whole is not written at all.
 */
#include "../support/test_main.h"

#include "../support/python_check.h"

#include "json_writer.h"
#include "utf8_text.h"

#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
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
	jw_init(&j, f);
	jw_string(&j, NULL, value);
	assert_int_equal(jw_finish(&j), 0);
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
	assert_json_of("\x01\t\n\r\x1b[0m\x1f\b\f", "\"\\u0001\\t\\n\\r\\u001B[0m\\u001F\\b\\f\"");
	/* DEL and the C1 controls (U+0085 is C2 85) are escaped as well. */
	assert_json_of("a\x7f"
		       "b\xc2\x85"
		       "c\xc2\x9f"
		       "d\xc2\xa0",
		       "\"a\\u007Fb\\u0085c\\u009Fd\xc2\xa0\"");
	/* A C1 control right after another C2-led character, after an escape, last. */
	assert_json_of("\xc2\xa0\xc2\x85\"\xc2\x80", "\"\xc2\xa0\\u0085\\\"\\u0080\"");
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
	jw_init(&j, f);
	jw_object_begin(&j, NULL);
	jw_string(&j, "k\x01\xff", "v");
	jw_array_begin(&j, "list");
	jw_string(&j, NULL, "a\\b");
	jw_string(&j, NULL, NULL);
	jw_array_end(&j);
	jw_object_begin(&j, "empty");
	jw_object_end(&j);
	jw_object_end(&j);
	assert_int_equal(jw_finish(&j), 0);
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
		"    if any(c == \"\\x7f\" or \"\\x80\" <= c <= \"\\x9f\" for c in text):\n"
		"        print(\"raw DEL or C1:\", raw, ascii(text), file=sys.stderr)\n"
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

/* Every finite double reads back as itself (python's float is the same
 * IEEE double; C's %a is its float.fromhex); whole ones below 2^53 read
 * back as ints, as the old writer's "%.10g" had them; non-finite are null. */
static void numbers_read_back_exact(void **state)
{
	static const double fractional[] = { 0.1,  1.0 / 3,    12.3,	2.0 / 3 * 1e-7, 5e-324,
					     -2.5, 1e15 + 0.5, DBL_MIN, -1e-300 };
	static const double whole[] = { 0.0, 5.0, -6144.0, 1e15, 0x1p53 - 1, -(0x1p53 - 1) };
	static const double large[] = { 0x1p53, 1e20, -1e300, DBL_MAX };
	static const double nonfinite[] = { NAN, INFINITY, -INFINITY };
	char *text = NULL, *script = NULL;
	size_t len = 0, script_len = 0;
	FILE *f = open_memstream(&text, &len), *py = open_memstream(&script, &script_len);
	struct json_writer j;

	(void)state;
	assert_non_null(f);
	assert_non_null(py);
	jw_init(&j, f);
	jw_array_begin(&j, NULL);
	fputs("import json, sys\nwant = [", py);
	for (size_t i = 0; i < sizeof(fractional) / sizeof(fractional[0]); i++) {
		jw_number(&j, NULL, fractional[i]);
		fprintf(py, "float.fromhex(\"%a\"), ", fractional[i]);
	}
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		jw_number(&j, NULL, whole[i]);
		fprintf(py, "%.0f, ", whole[i]);
	}
	for (size_t i = 0; i < sizeof(large) / sizeof(large[0]); i++) {
		jw_number(&j, NULL, large[i]);
		fprintf(py, "float.fromhex(\"%a\"), ", large[i]);
	}
	for (size_t i = 0; i < sizeof(nonfinite) / sizeof(nonfinite[0]); i++) {
		jw_number(&j, NULL, nonfinite[i]);
		fputs("None, ", py);
	}
	jw_integer(&j, NULL, LLONG_MAX);
	jw_integer(&j, NULL, LLONG_MIN);
	fprintf(py, "%lld, %lld]\n", LLONG_MAX, LLONG_MIN);
	fputs("got = json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))\n"
	      "assert [type(x) for x in got] == [type(x) for x in want], got\n"
	      "assert got == want, [(g, w) for g, w in zip(got, want) if g != w]\n",
	      py);
	jw_array_end(&j);
	assert_int_equal(jw_finish(&j), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(fclose(py), 0);
	assert_int_equal(python(script, text), 0);
	free(script);
	free(text);
}

/* Builds one small document with j, in whichever broken way `how` says. */
static void build(struct json_writer *j, int how)
{
	jw_object_begin(j, NULL);
	jw_string(j, "name", "v\xff");
	jw_array_begin(j, "list");
	jw_number(j, NULL, 1.5);
	switch (how) {
	case 1: /* a key inside an array */ jw_integer(j, "k", 1); break;
	case 2: /* no key inside an object */
		jw_array_end(j);
		jw_integer(j, NULL, 1);
		jw_array_begin(j, "again");
		break;
	case 3: /* a key twice: jansson would keep one value, silently */
		jw_array_end(j);
		jw_null(j, "name");
		jw_array_begin(j, "again");
		break;
	case 4: /* closed as the wrong kind */
		jw_object_end(j);
		jw_array_begin(j, NULL);
		break;
	case 5: /* nested deeper than JW_MAX_DEPTH */
		for (int d = 2; d < JW_MAX_DEPTH + 1; d++)
			jw_array_begin(j, NULL);
		for (int d = 2; d < JW_MAX_DEPTH + 1; d++)
			jw_array_end(j);
		break;
	}
	jw_array_end(j);
	if (how != 6) /* 6: the top-level object left open */
		jw_object_end(j);
	if (how == 7) /* a second top-level value */
		jw_null(j, NULL);
}

/* A misuse fails with EINVAL and writes nothing; the writer can be used
 * again after jw_finish. */
static void misuse_writes_nothing(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_writer j;

	(void)state;
	assert_non_null(f);
	jw_init(&j, f);
	assert_int_equal(jw_finish(&j), -1); /* nothing at all */
	assert_int_equal(errno, EINVAL);
	for (int how = 1; how <= 7; how++) {
		build(&j, how);
		errno = 0;
		if (jw_finish(&j) != -1 || errno != EINVAL)
			fail_msg("misuse %d: not refused with EINVAL (errno %d)", how, errno);
		assert_int_equal(fflush(f), 0);
		if (len != 0)
			fail_msg("misuse %d wrote %s", how, text);
	}
	/* Nesting up to JW_MAX_DEPTH is fine. */
	for (int d = 0; d < JW_MAX_DEPTH; d++)
		jw_array_begin(&j, NULL);
	for (int d = 0; d < JW_MAX_DEPTH; d++)
		jw_array_end(&j);
	assert_int_equal(jw_finish(&j), 0);
	build(&j, 0);
	assert_int_equal(jw_finish(&j), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(
		strstr(text, "{\n  \"name\": \"v" FFFD "\",\n  \"list\": [\n    1.5\n  ]\n}\n"));
	assert_int_equal(python(PY_STRICT_JSON, strstr(text, "{")), 0);
	free(text);
}

static int allocations_left;

static void *failing_malloc(size_t size)
{
	if (allocations_left == 0)
		return NULL;
	allocations_left--;
	return malloc(size);
}

/* jansson out of memory at each of its allocations in turn: the document is
 * either written whole or not at all, and ENOMEM says why. */
static void out_of_memory_writes_nothing(void **state)
{
	int failures = 0, budget;

	(void)state;
	/* The document takes a few dozen allocations: a bound, should it never succeed. */
	for (budget = 0; budget < 1000; budget++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		struct json_writer j;
		int status;

		assert_non_null(f);
		allocations_left = budget;
		json_set_alloc_funcs(failing_malloc, free);
		jw_init(&j, f);
		build(&j, 0);
		errno = 0;
		status = jw_finish(&j);
		json_set_alloc_funcs(malloc, free);
		assert_int_equal(fclose(f), 0);
		if (status == 0) {
			assert_int_equal(python(PY_STRICT_JSON, text), 0);
			free(text);
			break;
		}
		if (errno != ENOMEM || len != 0)
			fail_msg("budget %d: errno %d, wrote %s", budget, errno, text);
		failures++;
		free(text);
	}
	assert_int_not_equal(budget, 1000);
	assert_true(failures >= 5);
}

/* A stream that cannot be written: -1 with its errno, and ferror set, which
 * atomic_commit sees. */
static void write_error_is_reported(void **state)
{
	FILE *f = fopen("/dev/full", "w");
	struct json_writer j;

	(void)state;
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	jw_init(&j, f);
	build(&j, 0);
	assert_int_equal(jw_finish(&j), -1);
	assert_int_equal(errno, ENOSPC);
	assert_true(ferror(f));
	fclose(f);
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
		cmocka_unit_test(numbers_read_back_exact),
		cmocka_unit_test(misuse_writes_nothing),
		cmocka_unit_test(out_of_memory_writes_nothing),
		cmocka_unit_test(write_error_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
