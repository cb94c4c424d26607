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

void ksm_round_clear(struct ksm_round *ksm)
{
	ksm->settle_ms = ksm->ksmd_cpu_ms = ksm->pages_sharing = ksm->pages_shared = -1;
	ksm->settled = -1;
}

void instance_result_clear(struct instance_result *res)
{
	memset(res, 0, sizeof(*res));
	res->uss_kb = -1;
	for (int v = 0; v < VMM_MAX_VALUES; v++)
		res->vmm_values[v] = -1;
	res->user_exit_ns = res->user_arrival_ns = res->vmm_setup_done_ns = -1;
	res->vmm_start_ns = -1;
	ksm_round_clear(&res->ksm);
	for (int p = 0; p < NR_POINTS; p++)
		res->point_ns[p] = -1;
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		res->smaps.kb[f] = -1;
}
