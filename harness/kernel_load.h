/* SPDX-License-Identifier: MIT */
/*
 * The kernel ELF the VMMs map (--kernel, or a bzImage's unpacked copy) and
 * its PT_LOAD bytes, read once when a run starts: the saving a loader that
 * maps the file should show (comparisons.h) rests on them. In summary.json
 * as context.kernel_elf.
 */
#ifndef LOADBENCH_KERNEL_LOAD_H
#define LOADBENCH_KERNEL_LOAD_H

#include "elf_load.h"
#include "json_writer.h"

#include <stdbool.h>

struct kernel_load {
	const char *path; /* NULL: no kernel */
	bool known;
	struct elf_load_bytes bytes;
	char why[512]; /* !known: why not, a phrase naming the file */
};

/* Reads path's program headers; a failure is kept in why, not printed:
 * it costs the run one expectation, not its measurements. */
void kernel_load_read(struct kernel_load *k, const char *path);

/* "key": {"path", "load_bytes", "readonly_load_bytes"}, or {"path",
 * "why"} when they are not known; null without a kernel. */
void kernel_load_json(struct json_writer *j, const char *key, const struct kernel_load *k);

#endif
