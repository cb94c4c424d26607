// SPDX-License-Identifier: MIT
#include "run_order.h"

#include "bench_config.h"

#include <stdlib.h>

unsigned int plan_steps(const struct bench_config *config)
{
	return config->nr_instance_counts * config->rounds * config->nr_loaders;
}

/* N outermost; loaders alternate their order from round to round, so drift
 * on a noisy machine favours neither. */
static struct plan_step sequential_step(const struct bench_config *config, unsigned int i)
{
	unsigned int k = i % config->nr_loaders;
	unsigned int r = i / config->nr_loaders % config->rounds;
	struct plan_step step = {
		.count_index = i / config->nr_loaders / config->rounds,
		.round = r,
		.loader = r % 2 ? config->nr_loaders - 1 - k : k,
	};

	return step;
}

struct plan_step plan_step(const struct bench_config *config, unsigned int i)
{
	return config->plan ? config->plan[i] : sequential_step(config, i);
}

const char *run_order_name(const struct bench_config *config)
{
	return config->plan ? "shuffled" : "sequential";
}

/* splitmix64: a fixed, documented generator, so a seed names one order on
 * every machine and libc. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct plan_step *run_order_shuffle(const struct bench_config *config, uint64_t seed)
{
	unsigned int n = plan_steps(config);
	unsigned int rounds_so_far[MAX_INSTANCE_COUNTS][MAX_LOADERS] = { { 0 } };
	struct plan_step *steps = calloc(n ? n : 1, sizeof(*steps));

	if (!steps)
		return NULL;
	for (unsigned int i = 0; i < n; i++) {
		steps[i].count_index = i / config->nr_loaders / config->rounds;
		steps[i].loader = i % config->nr_loaders;
	}
	/* Fisher-Yates; the modulo's bias (n / 2^64) is far below noise. */
	for (unsigned int i = n; i > 1; i--) {
		unsigned int j = (unsigned int)(next_random(&seed) % i);
		struct plan_step t = steps[i - 1];

		steps[i - 1] = steps[j];
		steps[j] = t;
	}
	for (unsigned int i = 0; i < n; i++)
		steps[i].round = rounds_so_far[steps[i].count_index][steps[i].loader]++;
	return steps;
}
