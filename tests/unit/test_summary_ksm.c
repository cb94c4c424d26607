// SPDX-License-Identifier: MIT
/*
 * A merging loader's rounds in the statistics (summary.h's ksm metrics)
 * and in summary.json: a hand-built run of copy and ksm at N=2, 4 rounds.
 * ksm's rounds:
 *
 *   round 0: ksmd settled after 1500 ms, 40 ms of its CPU, 900/300 pages
 *   round 1: the wait hit the cap, 120000 ms, 2400 ms of CPU, 1000/310
 *   round 2: settled after 1700 ms, 60 ms, 950/305; but a guest timed out
 *   round 3: settled after 1600 ms, ksmd's CPU not found, 980/306
 *
 * copy does not merge: its group has no ksm figures at all (null).
 */
#include "../support/test_main.h"

#include "../support/python_check.h"
#include "summary.h"
#include "summary_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 2
#define ROUNDS 4
#define CLOSE(x, y) assert_true(fabs((x) - (y)) < 1e-9)

static struct bench_config config;
static struct run_context ctx;
static struct instance_result rows[2 * N * ROUNDS];
static struct round_timing timings[2 * ROUNDS];
static struct run_summary summary;

static const struct ksm_round waits[ROUNDS] = {
	{ 1500, 1, 40, 900, 300 },
	{ 120000, 0, 2400, 1000, 310 },
	{ 1700, 1, 60, 950, 305 },
	{ 1600, 1, -1, 980, 306 },
};

static void fill_row(struct instance_result *r, unsigned loader, unsigned round, unsigned index)
{
	instance_result_clear(r);
	r->loader = loader;
	r->instances = N;
	r->round = round;
	r->index = index;
	r->pid = 100 + (int)(loader * N * ROUNDS + round * N + index);
	r->smaps.kb[SMAPS_PSS] = 20 * 1024;
	r->uss_kb = 10 * 1024;
	r->point_ns[POINT_LINUX_START_USER] = 100000000;
	r->status = INSTANCE_OK;
	if (loader == 1)
		r->ksm = waits[round];
}

static int setup(void **state)
{
	(void)state;
	config.instance_counts[0] = N;
	config.nr_instance_counts = 1;
	config.loaders[0] = "copy";
	config.loaders[1] = "ksm";
	config.nr_loaders = 2;
	config.kernel = "vmlinux";
	config.rounds = ROUNDS;
	config.timeout_s = 10;
	config.ksm_settle_max_s = 120;
	config.cache = "warm";
	ctx.kernel.path = "vmlinux";
	for (unsigned l = 0; l < 2; l++)
		for (unsigned r = 0; r < ROUNDS; r++)
			for (unsigned i = 0; i < N; i++)
				fill_row(&rows[(l * ROUNDS + r) * N + i], l, r, i);
	rows[(ROUNDS + 2) * N + 1].status = INSTANCE_TIMEOUT;
	rows[(ROUNDS + 2) * N + 1].point_ns[POINT_LINUX_START_USER] = -1;
	for (unsigned r = 0; r < 2 * ROUNDS; r++)
		timings[r] = (struct round_timing){ 1.0, 100.0, 2.0, -1, -1 };
	return summary_compute(&summary, &config, rows, 2 * N * ROUNDS, timings);
}

static int teardown(void **state)
{
	(void)state;
	summary_free(&summary);
	return 0;
}

/* Rounds 0, 1, 3 count (2 lost a guest: fewer pages to merge). The capped
 * round's 120000 ms is a lower bound, and the median of 1500, 1600 and
 * >= 120000 does not depend on it. */
static void settle_times_count_the_cap_as_a_bound(void **state)
{
	const struct group_summary *g = summary_group(&summary, 1, N);
	const struct metric_summary *settle = &g->ksm[KSM_SETTLE_MS];

	(void)state;
	assert_true(g->merges);
	assert_int_equal(g->ksm_capped, 1);
	assert_int_equal(settle->nr_samples, 3);
	assert_int_equal(settle->sample_rounds[1], 1);
	assert_true(settle->sample_censored[1]);
	assert_int_equal(settle->nr_censored, 1);
	assert_int_equal(settle->excluded, 1);
	CLOSE(settle->stats.median, 1600);
	assert_false(settle->lower_bound);
}

/* ksmd's CPU: a figure that could not be had is no sample (not 0). */
static void missing_figures_are_no_samples(void **state)
{
	const struct group_summary *g = summary_group(&summary, 1, N);
	const struct metric_summary *cpu = &g->ksm[KSM_KSMD_CPU_MS];

	(void)state;
	assert_int_equal(cpu->nr_samples, 2);
	CLOSE(cpu->stats.median, (40 + 2400) / 2.0);
	assert_int_equal(cpu->nr_censored, 0);
	assert_int_equal(cpu->excluded, 1);
	CLOSE(g->ksm[KSM_PAGES_SHARING].stats.median, 980);
	CLOSE(g->ksm[KSM_PAGES_SHARED].stats.median, 306);
}

/* Once the capped round is the median's, the median is only a bound. */
static void a_median_on_the_cap_is_a_lower_bound(void **state)
{
	struct instance_result more[2 * N * ROUNDS];
	struct run_summary s;
	const struct metric_summary *settle;

	(void)state;
	memcpy(more, rows, sizeof(rows));
	for (unsigned i = 0; i < N; i++) {
		more[(ROUNDS + 3) * N + i].ksm.settled = 0;
		more[(ROUNDS + 3) * N + i].ksm.settle_ms = 120000;
	}
	assert_int_equal(summary_compute(&s, &config, more, 2 * N * ROUNDS, timings), 0);
	settle = &summary_group(&s, 1, N)->ksm[KSM_SETTLE_MS];
	assert_int_equal(summary_group(&s, 1, N)->ksm_capped, 2);
	CLOSE(settle->stats.median, 120000);
	assert_true(settle->lower_bound);
	summary_free(&s);
}

static void json_has_ksm_for_the_merging_loader_only(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(summary_json_write(f, &summary, &ctx, 1.0), 0);
	fclose(f);
	assert_int_equal(
		python_run("import json, sys; s = json.load(sys.stdin); "
			   "assert s[\"schema\"] == \"kvm-loadbench/summary/6\"; "
			   "assert s[\"config\"][\"ksm_settle_max_s\"] == 120; "
			   "copy, ksm = s[\"results\"]; "
			   "assert copy[\"loader\"] == \"copy\" and copy[\"ksm\"] is None; "
			   "k = ksm[\"ksm\"]; assert k[\"rounds_capped\"] == 1; "
			   "t = k[\"settle_ms\"]; "
			   "assert t[\"median\"] == 1600 and t[\"censored_rounds\"] == [1]; "
			   "assert t[\"sample_rounds\"] == [0, 1, 3] and t[\"excluded\"] == 1; "
			   "assert k[\"ksmd_cpu_ms\"][\"samples\"] == [40, 2400]; "
			   "assert k[\"pages_sharing\"][\"median\"] == 980; "
			   "assert k[\"pages_shared\"][\"n\"] == 3",
			   text, 0),
		0);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settle_times_count_the_cap_as_a_bound),
		cmocka_unit_test(missing_figures_are_no_samples),
		cmocka_unit_test(a_median_on_the_cap_is_a_lower_bound),
		cmocka_unit_test(json_has_ksm_for_the_merging_loader_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
