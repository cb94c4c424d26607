// SPDX-License-Identifier: MIT
#include "load_plan.h"

#include <string.h>

static uint64_t align_up(uint64_t value, uint64_t align)
{
	return (value + align - 1) & ~(align - 1);
}

static uint64_t align_down(uint64_t value, uint64_t align)
{
	return value & ~(align - 1);
}

static struct byte_range range_at(const struct file_extent *ext, uint64_t gpa, uint64_t len)
{
	struct byte_range r = { gpa, ext->file_offset + (gpa - ext->gpa), len };

	return r;
}

void load_plan_compute(const struct file_extent *ext, uint64_t page_size, struct load_plan *plan)
{
	uint64_t file_end = ext->gpa + ext->file_size;
	uint64_t map_start = align_up(ext->gpa, page_size);
	uint64_t map_end = align_down(file_end, page_size);
	int congruent = (ext->gpa % page_size) == (ext->file_offset % page_size);

	memset(plan, 0, sizeof(*plan));
	plan->zero_len = ext->mem_size - ext->file_size;
	if (!congruent || map_end <= map_start) {
		plan->head_copy = range_at(ext, ext->gpa, ext->file_size);
		return;
	}
	plan->head_copy = range_at(ext, ext->gpa, map_start - ext->gpa);
	plan->map = range_at(ext, map_start, map_end - map_start);
	plan->tail_copy = range_at(ext, map_end, file_end - map_end);
}
