// SPDX-License-Identifier: MIT
/*
 * Failed instances in the statistics (summary.h): a hand-built run at N=4,
 * 4 rounds, timeout 10 s. copy always boots (linux_start_user 150, 250, 350,
 * 450 ms); every round of mmap fails differently:
 *
 *   round 0: all 4 boot (linux_start_user 100, 200, 300, 400 ms)
 *   round 1: instance 3 times out (the others 100, 200, 300 ms)
 *   round 2: instance 3 exits early (the others 100, 200, 300 ms)
 *   round 3: instances 2 and 3 time out (the others 100, 200 ms)
 *
 * Survivors of a failed round have a larger PSS (fewer sharers), so a
 * failed round that gave a memory sample would move the median.
 * summary.json is checked against tests/fixtures/summary/failures.json
 * (UPDATE_GOLDEN=1 rewrites it; review the diff), which
 * tests/python/test_report.py renders.
 */
#include "../support/test_main.h"

#include "../support/golden.h"
#include "../support/python_check.h"
#include "../support/spawn.h"
#include "comparisons.h"
#include "summary.h"
#include "summary_json.h"
#include "tables.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4
#define ROUNDS 4
#define CLOSE(x, y) assert_true(fabs((x) - (y)) < 1e-9)
#define GOLDEN "tests/fixtures/summary/failures.json"

static struct bench_config config;
static struct run_context ctx;
static struct instance_result rows[2 * N * ROUNDS];
static struct round_timing timings[2 * ROUNDS];
static struct run_summary summary;
static struct comparisons comparisons;
static const struct group_summary *g;

static void fill_row(struct instance_result *r, unsigned loader, unsigned round, unsigned index,
		     int sharers)
{
	memset(r, 0, sizeof(*r));
	r->loader = loader;
	r->instances = N;
	r->round = round;
	r->index = index;
	r->pid = 100 + (int)(loader * N * ROUNDS + round * N + index);
	r->smaps.kb[SMAPS_PRIVATE_DIRTY] = 6 * 1024;
	r->smaps.kb[SMAPS_SHARED_CLEAN] = 24 * 1024;
	r->smaps.kb[SMAPS_RSS] = 30 * 1024;
	r->smaps.kb[SMAPS_PSS] = 6 * 1024 + 24 * 1024 / sharers;
	r->uss_kb = smaps_uss_kb(&r->smaps);
	r->point_ns[POINT_LOAD_DONE] = 1000000;
	/* loadvm's main() 0.4 ms after the zero: its load phase is 0.6 ms. */
	r->vmm_start_ns = 400000;
	r->point_ns[POINT_VMM_INIT_END] = 5000000;
	r->point_ns[POINT_LINUX_START_KERNEL] = -1;
	r->point_ns[POINT_LINUX_START_USER] = (int64_t)(index + 1) * 100000000 + 50000000 * !loader;
	r->status = INSTANCE_OK;
	snprintf(r->point_source[POINT_VMM_INIT_END], sizeof(r->point_source[0]), "vmm");
	/* Without tracefs: loadvm's own stamps on the pre-exec zero. */
	snprintf(r->time_zero, sizeof(r->time_zero), "pre_exec");
	for (int p = 0; p < NR_POINTS; p++)
		snprintf(r->point_timing[p], sizeof(r->point_timing[0]), "vmm");
}

static void set_failure(struct instance_result *r, enum instance_status status, const char *why)
{
	r->status = status;
	r->point_ns[POINT_LINUX_START_USER] = -1;
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		r->smaps.kb[f] = 0;
	r->uss_kb = 0;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
}

static int setup(void **state)
{
	static const int failures[ROUNDS] = { 0, 1, 1, 2 };

	(void)state;
	config.instance_counts[0] = N;
	config.nr_instance_counts = 1;
	config.loaders[0] = "copy";
	config.loaders[1] = "mmap";
	config.nr_loaders = 2;
	config.kernel = "vmlinux";
	config.mem_mib = 128;
	config.vcpus = 1;
	config.rounds = ROUNDS;
	config.timeout_s = 10;
	config.cache = "warm";
	snprintf(ctx.date, sizeof(ctx.date), "2024-01-01T00:00:00Z");
	snprintf(ctx.host, sizeof(ctx.host), "test");
	snprintf(ctx.kvm_mode, sizeof(ctx.kvm_mode), "native");
	ctx.kernel.path = "vmlinux";
	/* The kernel as loadbench would have read it: 6 MiB of PT_LOAD, 4 read-only. */
	ctx.kernel_elf = (struct kernel_load){ .path = "vmlinux",
					       .known = true,
					       .bytes = { 6 << 20, 4 << 20 } };
	for (unsigned r = 0; r < ROUNDS; r++)
		for (unsigned i = 0; i < N; i++) {
			fill_row(&rows[r * N + i], 1, r, i, N - failures[r]);
			fill_row(&rows[(ROUNDS + r) * N + i], 0, r, i, N);
		}
	set_failure(&rows[1 * N + 3], INSTANCE_TIMEOUT, "no linux_start_user before the timeout");
	set_failure(&rows[2 * N + 3], INSTANCE_EXITED, "exit 1: loadvm: KVM_RUN: Bad address");
	set_failure(&rows[3 * N + 2], INSTANCE_TIMEOUT, "no linux_start_user before the timeout");
	set_failure(&rows[3 * N + 3], INSTANCE_TIMEOUT, "no linux_start_user before the timeout");
	for (unsigned r = 0; r < 2 * ROUNDS; r++)
		timings[r] = (struct round_timing){ 1.0, 400.0 + r, 2.0, -1, -1 };
	if (summary_compute(&summary, &config, rows, 2 * N * ROUNDS, timings) ||
	    comparisons_compute(&comparisons, &summary, &ctx))
		return -1;
	summary.comparisons = &comparisons;
	g = summary_group(&summary, 1, N);
	return g ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	summary_free(&summary);
	comparisons_free(&comparisons);
	return 0;
}

static void every_round_counts_its_instances_by_status(void **state)
{
	(void)state;
	assert_int_equal(g->launched, 16);
	assert_int_equal(g->failed, 4);
	assert_int_equal(g->status[INSTANCE_OK], 12);
	assert_int_equal(g->status[INSTANCE_TIMEOUT], 3);
	assert_int_equal(g->status[INSTANCE_EXITED], 1);
	assert_int_equal(g->rounds[0].launched, 4);
	assert_int_equal(g->rounds[0].status[INSTANCE_OK], 4);
	assert_int_equal(g->rounds[1].status[INSTANCE_TIMEOUT], 1);
	assert_int_equal(g->rounds[2].status[INSTANCE_EXITED], 1);
	assert_int_equal(g->rounds[3].status[INSTANCE_OK], 2);
	assert_int_equal(g->rounds[3].status[INSTANCE_TIMEOUT], 2);
}

/* Only round 0 had all 4 sharers: the others are excluded, and counted. */
static void a_round_with_a_failure_gives_no_memory_sample(void **state)
{
	(void)state;
	for (int m = 0; m < NR_MEM_METRICS; m++)
		assert_int_equal(g->mem_kb[m].excluded, 3);
	assert_int_equal(g->mem_kb[MEM_PSS].nr_samples, 1);
	assert_int_equal(g->mem_kb[MEM_PSS].sample_rounds[0], 0);
	CLOSE(g->mem_kb[MEM_PSS].stats.median, 12 * 1024);
	CLOSE(g->mem_kb[MEM_PSS].stats.max, 12 * 1024);
}

/*
 * Round 1: median of 100, 200, 300 and the timeout (10000) = 250, exact:
 * the median does not depend on how late the fourth would have booted.
 * Round 3: median of 100, 200, 10000, 10000 = 5100, only a lower bound.
 * Round 2 (an instance exited) is excluded. Across rounds: 250, 250 and
 * >= 5100 have the median 250, exact too.
 */
static void a_timeout_is_counted_at_the_timeout(void **state)
{
	const struct metric_summary *user = &g->point_ms[POINT_LINUX_START_USER];

	(void)state;
	assert_int_equal(user->nr_samples, 3);
	assert_int_equal(user->sample_rounds[0], 0);
	assert_int_equal(user->sample_rounds[1], 1);
	assert_int_equal(user->sample_rounds[2], 3);
	CLOSE(user->samples[0], 250);
	CLOSE(user->samples[1], 250);
	assert_false(user->sample_censored[1]);
	CLOSE(user->samples[2], 5100);
	assert_true(user->sample_censored[2]);
	assert_int_equal(user->nr_censored, 1);
	assert_int_equal(user->excluded, 1);
	CLOSE(user->stats.median, 250);
	assert_false(user->lower_bound);
	/* Deltas from vmm_init_end (5 ms): the timed-out ones >= 9995 ms. */
	CLOSE(g->delta_ms[POINT_LINUX_START_USER].samples[2], (195 + 9995) / 2.0);
	assert_true(g->delta_ms[POINT_LINUX_START_USER].sample_censored[2]);
	/* A point every instance reported is exact in every round it counts. */
	assert_int_equal(g->point_ms[POINT_VMM_INIT_END].nr_censored, 0);
	assert_int_equal(g->point_ms[POINT_VMM_INIT_END].excluded, 1);
	/* Never reported by anyone: no sample, nothing excluded or censored. */
	assert_int_equal(g->point_ms[POINT_LINUX_START_KERNEL].nr_samples, 0);
	assert_int_equal(g->point_ms[POINT_LINUX_START_KERNEL].excluded, 0);
}

/* Two censored rounds of three make the median across rounds a bound. */
static void a_median_resting_on_censored_rounds_is_a_lower_bound(void **state)
{
	struct instance_result more[2 * N * ROUNDS];
	struct run_summary s;
	const struct metric_summary *user;

	(void)state;
	memcpy(more, rows, sizeof(rows));
	set_failure(&more[1 * N + 2], INSTANCE_TIMEOUT, "no linux_start_user before the timeout");
	assert_int_equal(summary_compute(&s, &config, more, 2 * N * ROUNDS, timings), 0);
	user = &summary_group(&s, 1, N)->point_ms[POINT_LINUX_START_USER];
	assert_int_equal(user->nr_censored, 2);
	CLOSE(user->stats.median, 5100);
	assert_true(user->lower_bound);
	summary_free(&s);
}

/* buffer is static: gcc 12 takes a local's address given to open_memstream
 * for a pointer into that local (-Wdangling-pointer). */
static char *render(void (*write)(FILE *f))
{
	static char *buffer;
	static size_t len;
	FILE *f;

	buffer = NULL;
	f = open_memstream(&buffer, &len);

	assert_non_null(f);
	write(f);
	fclose(f);
	return buffer;
}

static void write_tables(FILE *f)
{
	tables_write(f, &summary, &ctx, TABLES_TEXT);
}

static void write_json(FILE *f)
{
	assert_int_equal(summary_json_write(f, &summary, &ctx, 1.5), 0);
}

static void tables_say_what_failed_and_what_it_cost(void **state)
{
	char *text = render(write_tables);

	(void)state;
	if (!strstr(text, "\n- N=4 mmap: 4 of 16 instances failed (3 timeout, 1 exited); 3 rounds "
			  "excluded from memory; 1 round excluded from boot times; boot times "
			  "of 1 round censored at the 10 s timeout (lower bounds)\n"))
		fail_msg("no failure line for mmap N=4 in:\n%s", text);
	/* The medians across rounds are exact here: no ">=" in the cell. */
	if (!strstr(text, "\nlinux_start_user    300.00 (+295.00)  250.00 (+245.00)\n"))
		fail_msg("mmap's linux_start_user is not 250.00 (+245.00), exact, in:\n%s", text);
	assert_non_null(strstr(text, "Failed instances: 4 of 32 "));
	free(text);
}

/* The loadbench version changes with every commit: not part of the golden file. */
static void mask_version(char *text)
{
	static const char key[] = "\"loadbench_version\": \"";
	char *value = strstr(text, key), *end;

	assert_non_null(value);
	value += strlen(key);
	end = strchr(value, '"');
	assert_non_null(end);
	/* Emptied, not overwritten: its length varies with the build (a
	 * checkout's revision, "-dirty"). */
	memmove(value, end, strlen(end) + 1);
}

static void summary_json_keeps_the_rounds_and_the_censoring(void **state)
{
	char *text = render(write_json);

	(void)state;
	assert_int_equal(
		python_run("import json, sys; s = json.load(sys.stdin); "
			   "g = s[\"results\"][1]; u = g[\"trace_ms\"][\"linux_start_user\"]; "
			   "p = g[\"memory_kb\"][\"pss\"]; "
			   "assert s[\"schema\"] == \"kvm-loadbench/summary/6\"; "
			   "t = s[\"context\"][\"timing\"]; "
			   "assert t[\"time_zero\"] == {\"exec\": 0, \"pre_exec\": 32}; "
			   "assert t[\"points\"][\"vmm_init_end\"][\"vmm\"] == 32; "
			   "l = s[\"results\"][0]; "
			   "assert l[\"trace_ms\"][\"load_done\"][\"median\"] == 1; "
			   "assert l[\"delta_ms\"][\"load_done\"][\"median\"] == 0.6; "
			   "assert g[\"rounds\"][1] == {\"round\": 1, \"launched\": 4, \"ok\": 3, "
			   "\"timeout\": 1, \"exited\": 0, \"no_sample\": 0, "
			   "\"launch_failed\": 0}; "
			   "assert g[\"instances_by_status\"][\"timeout\"] == 3; "
			   "assert u[\"sample_rounds\"] == [0, 1, 3]; "
			   "assert u[\"censored_rounds\"] == [3] and u[\"censored\"] == 1; "
			   "assert u[\"excluded\"] == 1 and u[\"lower_bound\"] is False; "
			   "assert p[\"excluded\"] == 3 and p[\"sample_rounds\"] == [0]; "
			   "c = {(x[\"section\"], x[\"metric\"]): x for x in s[\"comparisons\"]}; "
			   "b = c[(\"trace_ms\", \"linux_start_user\")]; "
			   "assert b[\"censored\"] is True and b[\"welch\"] is None; "
			   "assert b[\"candidate_over_base\"] == 250 / 300; "
			   "assert c[(\"memory_kb\", \"pss\")][\"median_difference\"] == 0; "
			   "assert s[\"sharing\"] is None",
			   text, 0),
		0);
	mask_version(text);
	assert_golden(GOLDEN, text);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_round_counts_its_instances_by_status),
		cmocka_unit_test(a_round_with_a_failure_gives_no_memory_sample),
		cmocka_unit_test(a_timeout_is_counted_at_the_timeout),
		cmocka_unit_test(a_median_resting_on_censored_rounds_is_a_lower_bound),
		cmocka_unit_test(tables_say_what_failed_and_what_it_cost),
		cmocka_unit_test(summary_json_keeps_the_rounds_and_the_censoring),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
