/* SPDX-License-Identifier: MIT */
/* A small streaming JSON writer: keys and values with escaping and
 * indentation; commas are placed by the writer, not by its callers. */
#ifndef LOADBENCH_JSON_WRITER_H
#define LOADBENCH_JSON_WRITER_H

#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *f;
	int depth;
	int has_items[JSON_MAX_DEPTH];
};

void json_init(struct json_writer *j, FILE *f);
/* key is NULL inside arrays and at the top level. */
void json_object_begin(struct json_writer *j, const char *key);
void json_object_end(struct json_writer *j);
void json_array_begin(struct json_writer *j, const char *key);
void json_array_end(struct json_writer *j);
/* Any bytes: escaped, ill-formed UTF-8 written as U+FFFD (utf8_text.h), so
 * the file stays valid JSON. NULL becomes null. Keys are written the same way. */
void json_string(struct json_writer *j, const char *key, const char *value);
/* Non-finite numbers become null. */
void json_number(struct json_writer *j, const char *key, double value);
void json_integer(struct json_writer *j, const char *key, long long value);
void json_bool(struct json_writer *j, const char *key, int value);
void json_null(struct json_writer *j, const char *key);

#endif
