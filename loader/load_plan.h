/* SPDX-License-Identifier: MIT */
/*
 * The mmap loader's page arithmetic, kept pure so it can be tested alone.
 * A file extent splits into: a head copied byte-wise (up to the first page
 * boundary), whole pages mapped from the file, a tail copied byte-wise (the
 * last partial file page), and zero fill (mem_size beyond file_size, which
 * fresh anonymous RAM already provides). When the file offset and guest
 * address are not congruent modulo the page size, nothing can be mapped.
 */
#ifndef LOADVM_LOAD_PLAN_H
#define LOADVM_LOAD_PLAN_H

#include "kernel_image.h"

#include <stdint.h>

struct byte_range {
	uint64_t gpa;
	uint64_t file_offset;
	uint64_t len;
};

struct load_plan {
	struct byte_range head_copy;
	struct byte_range map;
	struct byte_range tail_copy;
	uint64_t zero_len; /* bytes past file_size, left to zeroed RAM */
};

void load_plan_compute(const struct file_extent *ext, uint64_t page_size, struct load_plan *plan);

#endif
