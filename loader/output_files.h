/* SPDX-License-Identifier: MIT */
/*
 * loadvm's output files (--trace, --serial): all opened, or none touched.
 * A refused run must leave an existing file as it was and create nothing,
 * so each is opened without truncation first and truncated only once every
 * one has opened. "-" is stdout.
 */
#ifndef LOADVM_OUTPUT_FILES_H
#define LOADVM_OUTPUT_FILES_H

#include <stdbool.h>
#include <stddef.h>

struct output_file {
	const char *path; /* NULL: no such output (fd stays -1) */
	const char *what; /* for messages: "trace", "serial" */
	int fd;
	bool created;
};

/* Opens every output. On failure prints one line naming the file, removes
 * the files it created, closes the others and returns -1. */
int output_files_open(struct output_file *outs, size_t n);

#endif
