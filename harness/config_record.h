/* SPDX-License-Identifier: MIT */
/*
 * config.json: everything that decides a run's numbers (images and their
 * digests, instances, loaders, VMMs, rounds, guest size, the loader order,
 * the binaries), written atomically when a run starts. `loadbench --resume
 * DIR` continues a run only under the very same record: rows measured under
 * two configurations must never end up in one raw.csv.
 */
#ifndef LOADBENCH_CONFIG_RECORD_H
#define LOADBENCH_CONFIG_RECORD_H

#include "bench_config.h"
#include "context.h"
#include "json_writer.h"

#include <stdio.h>

/* The run's instance counts, loaders and VMMs as three JSON arrays (also
 * summary.json's config). */
void config_record_lists(struct json_writer *j, const struct bench_config *config);
/* Rounds, their order, guest size, command line, settle and timeout, in
 * that order (also summary.json's config). */
void config_record_run_shape(struct json_writer *j, const struct bench_config *config);
/* A file's path, and its size and digest where it can be read, as an
 * object under key (a VMM's binary). */
void config_record_file(struct json_writer *j, const char *key, const char *path);
/* An image's path, size and digest as an object under key (null if none). */
void config_record_image(struct json_writer *j, const char *key, const struct image_info *info);

/* Writes the record of this run to f: 0, or -1 as jw_finish (json_writer.h). */
int config_record_print(FILE *f, const struct bench_config *config, const struct run_context *ctx);

/* DIR/config.json, atomically; -1 after a one-line error. */
int config_record_write(const char *dir, const struct bench_config *config,
			const struct run_context *ctx);

/* 0 when DIR/config.json is this run's record; -1 after a one-line error
 * naming the first line that differs (or why it cannot be read). */
int config_record_check(const char *dir, const struct bench_config *config,
			const struct run_context *ctx);

#endif
