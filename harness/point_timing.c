// SPDX-License-Identifier: MIT
#include "point_timing.h"

#include <string.h>

static const char *const timing_names[NR_TIMINGS] = { "tracefs", "vmm", "arrival" };
static const char *const zero_names[NR_ZEROS] = { "exec", "pre_exec" };

const char *timing_name(int timing)
{
	return timing_names[timing];
}

const char *zero_name(int zero)
{
	return zero_names[zero];
}

static int index_of(const char *const *names, int nr, const char *name)
{
	for (int i = 0; i < nr; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

void timing_count(const struct instance_result *results, size_t n, struct timing_counts *counts)
{
	memset(counts, 0, sizeof(*counts));
	for (size_t i = 0; i < n; i++) {
		const struct instance_result *r = &results[i];
		int zero = index_of(zero_names, NR_ZEROS, r->time_zero);

		if (zero >= 0)
			counts->zero[zero]++;
		for (int p = 0; p < NR_POINTS; p++) {
			int t = index_of(timing_names, NR_TIMINGS, r->point_timing[p]);

			if (r->point_ns[p] >= 0 && t >= 0)
				counts->point[p][t]++;
		}
	}
}

/* "tracefs 38, arrival 2 (mixed)", or "none". */
static void list(FILE *f, const unsigned int *count, const char *const *names, int nr)
{
	int kinds = 0;

	for (int i = 0; i < nr; i++) {
		if (!count[i])
			continue;
		fprintf(f, "%s%s %u", kinds ? ", " : "", names[i], count[i]);
		kinds++;
	}
	fputs(kinds == 0 ? "none" : kinds > 1 ? " (mixed)" : "", f);
}

void timing_describe(FILE *f, const struct timing_counts *counts)
{
	fputs("\nTimes (instances by method). Time zero: ", f);
	list(f, counts->zero, zero_names, NR_ZEROS);
	for (int p = 0; p < NR_POINTS; p++) {
		fprintf(f, "; %s: ", bench_point_name(p));
		list(f, counts->point[p], timing_names, NR_TIMINGS);
	}
	fputs(". exec: the VMM's sched:sched_process_exec; pre_exec: loadbench's stamp "
	      "just before execv. tracefs: qemu-boot-time's definitions from loadbench's "
	      "tracefs instance (vmm_init_end: the first kvm:kvm_entry; a guest point: "
	      "kvm:kvm_pio for port 0xf4); vmm: the VMM's own CLOCK_MONOTONIC stamp; "
	      "arrival: stamped by loadbench when it arrived.\n",
	      f);
}

long long timing_lost_events(const struct round_timing *timings, size_t nr,
			     unsigned int *rounds_with)
{
	long long lost = -1;

	*rounds_with = 0;
	for (size_t i = 0; i < nr; i++) {
		if (timings[i].tracefs_lost < 0)
			continue;
		lost = (lost < 0 ? 0 : lost) + timings[i].tracefs_lost;
		*rounds_with += timings[i].tracefs_lost > 0;
	}
	return lost;
}
