// SPDX-License-Identifier: MIT
/*
 * Statistics and tables on a synthetic run whose numbers are chosen by
 * hand: the rendered text and Markdown must match the golden files in
 * tests/fixtures/tables (UPDATE_GOLDEN=1 rewrites them; review the diff).
 * linux_start_kernel is never reported, so it must show as n/a; one
 * instance times out, so the failure line must count it and its boot times
 * show as lower bounds (">="); one booted instance has pages swapped out,
 * so summary.json must count it.
 */
#include "../support/test_main.h"

#include "../support/golden.h"
#include "../support/python_check.h"
#include "../support/spawn.h"
#include "summary.h"
#include "summary_json.h"
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 2

static struct bench_config config;
static struct run_context ctx;
static struct instance_result rows[2 * (1 + 2) * ROUNDS];
static struct round_timing timings[2 * 2 * ROUNDS];
static size_t nr_rows;

/* copy: 30 MiB private each; mmap: 6 MiB private + 24 MiB shared by N. */
static void fill_row(struct instance_result *r, unsigned loader, unsigned n, unsigned round,
		     unsigned index)
{
	int64_t shared = loader ? 24 * 1024 : 0;
	int64_t private_kb = loader ? 6 * 1024 : 30 * 1024;

	memset(r, 0, sizeof(*r));
	r->loader = loader;
	r->instances = n;
	r->round = round;
	r->index = index;
	r->pid = 1000 + (int)(nr_rows);
	for (int f = 0; f < SMAPS_NR_FIELDS; f++)
		r->smaps.kb[f] = 0;
	r->smaps.kb[SMAPS_PRIVATE_DIRTY] = private_kb;
	r->smaps.kb[SMAPS_SHARED_CLEAN] = n > 1 ? shared : 0;
	r->smaps.kb[SMAPS_PRIVATE_CLEAN] = n > 1 ? 0 : shared;
	r->smaps.kb[SMAPS_RSS] = private_kb + shared;
	r->smaps.kb[SMAPS_PSS] = private_kb + shared / n;
	r->uss_kb = smaps_uss_kb(&r->smaps);
	/* load 10/0.2 ms, init +5, user +40 (+round ms, so rounds differ). */
	r->point_ns[POINT_LOAD_DONE] = loader ? 200000 : 10000000;
	r->point_ns[POINT_VMM_INIT_END] = r->point_ns[POINT_LOAD_DONE] + 5000000;
	r->point_ns[POINT_LINUX_START_KERNEL] = -1;
	r->point_ns[POINT_LINUX_START_USER] =
		r->point_ns[POINT_VMM_INIT_END] + 40000000 + (int64_t)round * 1000000;
	/* loadvm under tracefs; the last round lost its exec event (mixed). */
	snprintf(r->time_zero, sizeof(r->time_zero), round + 1 < ROUNDS ? "exec" : "pre_exec");
	snprintf(r->point_timing[POINT_LOAD_DONE], sizeof(r->point_timing[0]), "vmm");
	snprintf(r->point_timing[POINT_VMM_INIT_END], sizeof(r->point_timing[0]), "tracefs");
	snprintf(r->point_timing[POINT_LINUX_START_USER], sizeof(r->point_timing[0]), "tracefs");
	r->status = INSTANCE_OK;
}

static int setup(void **state)
{
	(void)state;
	config.instance_counts[0] = 1;
	config.instance_counts[1] = 2;
	config.nr_instance_counts = 2;
	config.loaders[0] = "copy";
	config.loaders[1] = "mmap";
	config.nr_loaders = 2;
	config.kernel = "build/probe.elf";
	config.mem_mib = 128;
	config.vcpus = 1;
	config.rounds = ROUNDS;
	config.timeout_s = 60;
	config.cache = "warm";
	snprintf(ctx.kvm_mode, sizeof(ctx.kvm_mode), "native");
	for (unsigned c = 0; c < 2; c++)
		for (unsigned r = 0; r < ROUNDS; r++)
			for (unsigned l = 0; l < 2; l++)
				for (unsigned i = 0; i < config.instance_counts[c]; i++)
					fill_row(&rows[nr_rows++], l, config.instance_counts[c], r,
						 i);
	/* The last mmap instance of N=2, round 1 timed out. */
	rows[nr_rows - 1].status = INSTANCE_TIMEOUT;
	rows[nr_rows - 1].point_ns[POINT_LINUX_START_USER] = -1;
	snprintf(rows[nr_rows - 1].reason, sizeof(rows[0].reason), "no linux_start_user");
	/* copy N=2, round 0, instance 1 had pages swapped out; the timed-out
	 * one's figures are not a sample, swapped or not. */
	rows[5].smaps.kb[SMAPS_SWAP] = 512;
	rows[5].smaps.kb[SMAPS_SWAP_PSS] = 256;
	rows[nr_rows - 1].smaps.kb[SMAPS_SWAP] = 64;
	return 0;
}

static void compare_golden(const char *name, const char *produced)
{
	char path[256];

	snprintf(path, sizeof(path), "tests/fixtures/tables/%s", name);
	assert_golden(path, produced);
}

static char *render(const struct run_summary *s, enum table_style style)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	tables_write(f, s, &ctx, style);
	fclose(f);
	return text;
}

static void statistics_from_rows(void **state)
{
	struct run_summary s;
	const struct group_summary *g;

	(void)state;
	assert_int_equal(summary_compute(&s, &config, rows, nr_rows, timings), 0);
	g = summary_group(&s, 1, 2);
	assert_int_equal(g->launched, 4);
	assert_int_equal(g->booted, 3);
	assert_int_equal(g->failed, 1);
	/* mmap N=2: USS 6 MiB, PSS 6 + 24/2 MiB, from round 0 only: round 1
	 * lost a sharer. */
	assert_true(g->mem_kb[MEM_USS].stats.median == 6 * 1024);
	assert_true(g->mem_kb[MEM_PSS].stats.median == 18 * 1024);
	assert_int_equal(g->mem_kb[MEM_PSS].stats.n, 1);
	assert_int_equal(g->mem_kb[MEM_PSS].excluded, 1);
	assert_int_equal(g->point_ms[POINT_LINUX_START_KERNEL].stats.n, 0);
	/* user: 45.2 ms in round 0; in round 1 the median of 46.2 and the 60 s
	 * timeout, 30023.1, a lower bound; across rounds 15034.15, a bound too. */
	assert_true(g->point_ms[POINT_LINUX_START_USER].stats.median > 15034.14 &&
		    g->point_ms[POINT_LINUX_START_USER].stats.median < 15034.16);
	assert_true(g->point_ms[POINT_LINUX_START_USER].lower_bound);
	/* with linux_start_kernel missing, user's delta is from vmm_init_end */
	g = summary_group(&s, 1, 1);
	assert_true(g->delta_ms[POINT_LINUX_START_USER].stats.median > 40.49 &&
		    g->delta_ms[POINT_LINUX_START_USER].stats.median < 40.51);
	assert_false(g->point_ms[POINT_LINUX_START_USER].lower_bound);
	summary_free(&s);
}

/* Swapped instances per (loader, N), in the statistics and summary.json. */
static void swapped_instances_are_counted(void **state)
{
	static const char check[] =
		"import json, sys\n"
		"groups = json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))[\"results\"]\n"
		"got = {(g[\"loader\"], g[\"instances\"]): g[\"swapped\"] for g in groups}\n"
		"want = {(\"copy\", 1): 0, (\"mmap\", 1): 0, (\"copy\", 2): 1, (\"mmap\", 2): 0}\n"
		"assert got == want, got\n";
	struct run_summary s;
	char *json = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(summary_compute(&s, &config, rows, nr_rows, timings), 0);
	assert_int_equal(summary_group(&s, 0, 2)->swapped, 1);
	assert_int_equal(summary_group(&s, 1, 2)->swapped, 0);
	assert_int_equal(summary_group(&s, 0, 1)->swapped, 0);
	f = open_memstream(&json, &len);
	assert_non_null(f);
	assert_int_equal(summary_json_write(f, &s, &ctx, 0), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(python_run(check, json, 0), 0);
	free(json);
	summary_free(&s);
}

static void tables_match_golden_files(void **state)
{
	struct run_summary s;
	char *text;

	(void)state;
	assert_int_equal(summary_compute(&s, &config, rows, nr_rows, timings), 0);
	text = render(&s, TABLES_TEXT);
	compare_golden("synthetic.txt", text);
	assert_non_null(strstr(text, "n/a"));
	free(text);
	text = render(&s, TABLES_MARKDOWN);
	compare_golden("synthetic.md", text);
	free(text);
	summary_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(statistics_from_rows),
		cmocka_unit_test(swapped_instances_are_counted),
		cmocka_unit_test(tables_match_golden_files),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
