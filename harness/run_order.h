/* SPDX-License-Identifier: MIT */
/*
 * The order of a run's rounds. Every (N, loader) group gets --rounds rounds;
 * "shuffled" (the default) interleaves all of them in a seeded shuffle, so
 * neither N nor the loader is confounded with elapsed time (page cache,
 * thermal state, a neighbour's load); "sequential" is N outermost, then the
 * round, loaders alternating from round to round. Rounds of a group are
 * numbered in the order they run, so round 0 of each group comes first.
 */
#ifndef LOADBENCH_RUN_ORDER_H
#define LOADBENCH_RUN_ORDER_H

#include <stdint.h>

struct bench_config;

struct plan_step {
	unsigned int count_index; /* into config->instance_counts */
	unsigned int round;
	unsigned int loader; /* into config->loaders */
};

/* Steps in a run, and step i of it (config->plan's, or sequential). */
unsigned int plan_steps(const struct bench_config *config);
struct plan_step plan_step(const struct bench_config *config, unsigned int i);

/* "shuffled" or "sequential": what plan_step follows. */
const char *run_order_name(const struct bench_config *config);

/* Shuffles all steps with seed into a new array of plan_steps(config);
 * NULL when out of memory. */
struct plan_step *run_order_shuffle(const struct bench_config *config, uint64_t seed);

#endif
