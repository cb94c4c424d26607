// SPDX-License-Identifier: MIT
#include "json_writer.h"

#include "utf8_text.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 17 significant digits: every double reads back as itself. */
#define DUMP_FLAGS \
	(JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY)

void jw_init(struct json_writer *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void fail(struct json_writer *j, int error)
{
	if (!j->error)
		j->error = error;
}

/* s as well-formed UTF-8 (jansson refuses anything else): s itself, or a
 * copy in *copy with each ill-formed subpart as U+FFFD. NULL: no memory. */
static const char *well_formed(const char *s, char **copy)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, out = 0;
	uint32_t cp;
	int n;

	*copy = NULL;
	while (i < len && (n = utf8_sequence(p + i, len - i, &cp)) > 0)
		i += (size_t)n;
	if (i == len)
		return s;
	/* Each replaced subpart is at least one byte and becomes three. */
	*copy = malloc(3 * len + 1);
	if (!*copy)
		return NULL;
	for (i = 0; i < len;) {
		n = utf8_sequence(p + i, len - i, &cp);
		if (n < 0) {
			memcpy(*copy + out, UTF8_REPLACEMENT, 3);
			out += 3;
			n = -n;
		} else {
			memcpy(*copy + out, p + i, (size_t)n);
			out += (size_t)n;
		}
		i += (size_t)n;
	}
	(*copy)[out] = '\0';
	return *copy;
}

/* Puts value (owned, NULL when its allocation failed) under key in the
 * innermost open container, or makes it the document. */
static bool add(struct json_writer *j, const char *key, json_t *value)
{
	json_t *parent = j->depth ? j->open[j->depth - 1] : NULL;
	char *copy = NULL;
	const char *k;
	bool ok = false;

	if (j->error || !value) {
		fail(j, ENOMEM); /* value is NULL unless an earlier call failed */
		json_decref(value);
		return false;
	}
	if (!parent) {
		if (key || j->root) {
			fail(j, EINVAL);
			json_decref(value);
			return false;
		}
		j->root = value;
		return true;
	}
	if (json_is_array(parent)) {
		if (key) {
			fail(j, EINVAL);
			json_decref(value);
			return false;
		}
		/* Steals value, even when it fails. */
		ok = json_array_append_new(parent, value) == 0;
		if (!ok)
			fail(j, ENOMEM);
		return ok;
	}
	k = key ? well_formed(key, &copy) : NULL;
	if (!k || json_object_get(parent, k)) {
		/* No key, or one already there: jansson would replace its value. */
		fail(j, key && !k ? ENOMEM : EINVAL);
		json_decref(value);
	} else {
		ok = json_object_set_new(parent, k, value) == 0;
		if (!ok)
			fail(j, ENOMEM);
	}
	free(copy);
	return ok;
}

static void open_container(struct json_writer *j, const char *key, json_t *container)
{
	if (!add(j, key, container))
		return;
	if (j->depth == JW_MAX_DEPTH) {
		fail(j, EINVAL);
		return;
	}
	j->open[j->depth++] = container;
}

static void close_container(struct json_writer *j, bool object)
{
	if (j->error)
		return;
	if (j->depth == 0 || json_is_object(j->open[j->depth - 1]) != object) {
		fail(j, EINVAL);
		return;
	}
	j->depth--;
}

void jw_object_begin(struct json_writer *j, const char *key)
{
	open_container(j, key, json_object());
}

void jw_object_end(struct json_writer *j)
{
	close_container(j, true);
}

void jw_array_begin(struct json_writer *j, const char *key)
{
	open_container(j, key, json_array());
}

void jw_array_end(struct json_writer *j)
{
	close_container(j, false);
}

void jw_string(struct json_writer *j, const char *key, const char *value)
{
	char *copy = NULL;
	const char *v;

	if (!value) {
		add(j, key, json_null());
		return;
	}
	v = well_formed(value, &copy);
	add(j, key, v ? json_string(v) : NULL);
	free(copy);
}

void jw_number(struct json_writer *j, const char *key, double value)
{
	if (!isfinite(value))
		add(j, key, json_null());
	else if (value == trunc(value) && fabs(value) < 0x1p53)
		/* Exact as an integer, and spelt as the files always had it (6144, not 6144.0). */
		add(j, key, json_integer((long long)value));
	else
		add(j, key, json_real(value));
}

void jw_integer(struct json_writer *j, const char *key, long long value)
{
	add(j, key, json_integer(value));
}

void jw_bool(struct json_writer *j, const char *key, int value)
{
	add(j, key, json_boolean(value));
}

void jw_null(struct json_writer *j, const char *key)
{
	add(j, key, json_null());
}

void jw_value(struct json_writer *j, const char *key, struct json_t *value)
{
	add(j, key, json_incref(value));
}

/* jansson escapes the C0 controls but leaves DEL and the C1 controls
 * (U+0080..U+009F, C2 80..C2 9F) as they are; they are escaped here too,
 * so nothing in the file can steer a terminal. jansson's text is ASCII
 * outside strings and well-formed UTF-8 inside, so 0x7F is always DEL and
 * C2 always leads a character. */
static bool write_text(FILE *f, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t start = 0, i;
	bool ok = true;

	for (i = 0; p[i]; i++) {
		bool c1 = p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f;

		if (p[i] != 0x7f && !c1)
			continue;
		ok = ok && fwrite(p + start, 1, i - start, f) == i - start;
		ok = ok && fprintf(f, "\\u%04X", c1 ? p[i + 1] : 0x7f) > 0;
		i += c1;
		start = i + 1;
	}
	return ok && fwrite(p + start, 1, i - start, f) == i - start;
}

int jw_finish(struct json_writer *j)
{
	int error = j->error;
	json_free_t free_text;
	char *text = NULL;

	if (!error && (!j->root || j->depth))
		error = EINVAL;
	/* Dumped to memory first: a failure there leaves the stream untouched. */
	if (!error && !(text = json_dumps(j->root, DUMP_FLAGS)))
		error = ENOMEM;
	if (text) {
		errno = 0;
		if (!write_text(j->f, text) ||
		    ((json_is_object(j->root) || json_is_array(j->root)) &&
		     fputc('\n', j->f) == EOF))
			error = errno ? errno : EIO;
		json_get_alloc_funcs(NULL, &free_text);
		free_text(text);
	}
	json_decref(j->root);
	jw_init(j, j->f);
	if (error) {
		errno = error;
		return -1;
	}
	return 0;
}
