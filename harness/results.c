// SPDX-License-Identifier: MIT
#include "results.h"

#include <string.h>

static const char *const point_names[NR_POINTS] = {
	[POINT_LOAD_DONE] = "load_done",
	[POINT_VMM_INIT_END] = "vmm_init_end",
	[POINT_LINUX_START_KERNEL] = "linux_start_kernel",
	[POINT_LINUX_START_USER] = "linux_start_user",
};

const char *bench_point_name(enum bench_point point)
{
	return point_names[point];
}

int bench_point_from_name(const char *name)
{
	for (int i = 0; i < NR_POINTS; i++)
		if (strcmp(point_names[i], name) == 0)
			return i;
	return -1;
}

const char *instance_status_name(enum instance_status status)
{
	static const char *const names[] = {
		[INSTANCE_OK] = "ok",
		[INSTANCE_TIMEOUT] = "timeout",
		[INSTANCE_EXITED] = "exited",
		[INSTANCE_NO_SAMPLE] = "no_sample",
		[INSTANCE_LAUNCH_FAILED] = "launch_failed",
	};

	return names[status];
}

bool instance_swapped(const struct instance_result *res)
{
	return res->status == INSTANCE_OK && smaps_swapped(&res->smaps) == 1;
}
