// SPDX-License-Identifier: MIT
#include "json_writer.h"

#include "utf8_text.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

void json_init(struct json_writer *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->has_items[0] = 0;
}

/* Always valid JSON, whatever the bytes: quotes and backslashes escaped,
 * control characters as \uXXXX (C1 and DEL too: nothing in the file can
 * steer a terminal), ill-formed UTF-8 as U+FFFD. */
static void write_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	fputc('"', f);
	while (left > 0) {
		uint32_t cp;
		int n = utf8_sequence(p, left, &cp);

		if (n < 0) {
			fputs(UTF8_REPLACEMENT, f);
			n = -n;
		} else if (cp == '"' || cp == '\\') {
			fprintf(f, "\\%c", (int)cp);
		} else if (utf8_is_control(cp)) {
			fprintf(f, "\\u%04x", (unsigned)cp);
		} else {
			fwrite(p, 1, (size_t)n, f);
		}
		p += n;
		left -= (size_t)n;
	}
	fputc('"', f);
}

/* Comma, newline and indent before an item, then its key. */
static void item(struct json_writer *j, const char *key)
{
	if (j->depth > 0) {
		fputs(j->has_items[j->depth] ? ",\n" : "\n", j->f);
		j->has_items[j->depth] = 1;
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key) {
		write_escaped(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_container(struct json_writer *j, const char *key, char bracket)
{
	item(j, key);
	fputc(bracket, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = 0;
}

static void close_container(struct json_writer *j, char bracket)
{
	int had_items = j->has_items[j->depth];

	j->depth--;
	if (had_items) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(bracket, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json_object_begin(struct json_writer *j, const char *key)
{
	open_container(j, key, '{');
}

void json_object_end(struct json_writer *j)
{
	close_container(j, '}');
}

void json_array_begin(struct json_writer *j, const char *key)
{
	open_container(j, key, '[');
}

void json_array_end(struct json_writer *j)
{
	close_container(j, ']');
}

void json_string(struct json_writer *j, const char *key, const char *value)
{
	item(j, key);
	if (value)
		write_escaped(j->f, value);
	else
		fputs("null", j->f);
}

void json_number(struct json_writer *j, const char *key, double value)
{
	item(j, key);
	if (isfinite(value))
		fprintf(j->f, "%.10g", value);
	else
		fputs("null", j->f);
}

void json_integer(struct json_writer *j, const char *key, long long value)
{
	item(j, key);
	fprintf(j->f, "%lld", value);
}

void json_bool(struct json_writer *j, const char *key, int value)
{
	item(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_null(struct json_writer *j, const char *key)
{
	item(j, key);
	fputs("null", j->f);
}
