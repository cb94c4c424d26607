/* SPDX-License-Identifier: MIT */
/*
 * How a run's times were taken, counted over its instances: time zero
 * (exec or pre_exec) and, per point, who timed it (tracefs, vmm, arrival:
 * trace_input.h). The tables' heading says it in words, summary.json in
 * counts, and a run that mixes methods says so.
 */
#ifndef LOADBENCH_POINT_TIMING_H
#define LOADBENCH_POINT_TIMING_H

#include "results.h"
#include "round.h"

#include <stddef.h>
#include <stdio.h>

enum { TIMING_TRACEFS, TIMING_VMM, TIMING_ARRIVAL, NR_TIMINGS };
enum { ZERO_EXEC, ZERO_PRE_EXEC, NR_ZEROS };

struct timing_counts {
	unsigned int zero[NR_ZEROS];
	unsigned int point[NR_POINTS][NR_TIMINGS];
};

const char *timing_name(int timing);
const char *zero_name(int zero);

/* Counts over the instances that reported anything. */
void timing_count(const struct instance_result *results, size_t n, struct timing_counts *counts);

/* Events the rounds' tracefs instances lost, summed over the nr rounds
 * that had one; -1 if none had. rounds_with: how many lost any. */
long long timing_lost_events(const struct round_timing *timings, size_t nr,
			     unsigned int *rounds_with);

/* One paragraph for the tables' heading. */
void timing_describe(FILE *f, const struct timing_counts *counts);

#endif
