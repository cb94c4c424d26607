// SPDX-License-Identifier: MIT
#include "density.h"

#define KB_PER_GIB (1024.0 * 1024.0)

double density_per_gib(const struct metric_summary *kb)
{
	if (kb->stats.n == 0 || kb->stats.median <= 0)
		return -1;
	return KB_PER_GIB / kb->stats.median;
}

static void write_one(struct json_writer *j, const char *key, const struct metric_summary *kb)
{
	double vms = density_per_gib(kb);

	if (vms < 0)
		jw_null(j, key);
	else
		jw_number(j, key, vms);
}

void density_write(struct json_writer *j, const struct group_summary *g)
{
	jw_object_begin(j, "density");
	write_one(j, "vms_per_gib_pss", &g->mem_kb[MEM_PSS]);
	write_one(j, "vms_per_gib_uss", &g->mem_kb[MEM_USS]);
	jw_object_end(j);
}
