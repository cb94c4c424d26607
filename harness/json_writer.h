/* SPDX-License-Identifier: MIT */
/* JSON output (summary.json, config.json) through jansson, behind a
 * streaming API: callers add keys and values in the order they should
 * appear; the document is built in memory and written whole by jw_finish,
 * so a failure half-way writes nothing. (jw_, not json_: jansson owns the
 * json_ names.) */
#ifndef LOADBENCH_JSON_WRITER_H
#define LOADBENCH_JSON_WRITER_H

#include <stdio.h>

#define JW_MAX_DEPTH 16

struct json_t; /* jansson's */

struct json_writer {
	FILE *f;
	struct json_t *root;
	/* The containers still open, innermost last; the root owns them. */
	struct json_t *open[JW_MAX_DEPTH];
	int depth;
	/* errno of the first failure (no memory, a misuse); later calls do nothing. */
	int error;
};

void jw_init(struct json_writer *j, FILE *f);
/* key is NULL inside arrays and at the top level; a key given twice in
 * one object is a misuse, as is a key in an array. */
void jw_object_begin(struct json_writer *j, const char *key);
void jw_object_end(struct json_writer *j);
void jw_array_begin(struct json_writer *j, const char *key);
void jw_array_end(struct json_writer *j);
/* Any bytes: ill-formed UTF-8 becomes U+FFFD (utf8_text.h) before jansson
 * sees it, so the file stays valid JSON. NULL becomes null. Keys too. */
void jw_string(struct json_writer *j, const char *key, const char *value);
/* Non-finite numbers become null; others are written so they read back
 * exact, whole ones below 2^53 without a fraction (6144, not 6144.0). */
void jw_number(struct json_writer *j, const char *key, double value);
void jw_integer(struct json_writer *j, const char *key, long long value);
void jw_bool(struct json_writer *j, const char *key, int value);
void jw_null(struct json_writer *j, const char *key);
/* A value read from another document (summary-derive keeps what it does
 * not compute): borrowed, the writer takes its own reference. */
void jw_value(struct json_writer *j, const char *key, struct json_t *value);
/* Writes the one top-level value (a container followed by a newline) and
 * frees the document. 0, or -1 with errno: ENOMEM, EINVAL for a misuse
 * (nothing written, a container left open, nesting past JW_MAX_DEPTH) with
 * nothing written, or the stream's error (ferror(f) is then set too). */
int jw_finish(struct json_writer *j);

#endif
