// SPDX-License-Identifier: MIT
/*
 * Loaders compared (comparisons.h) on a hand-built run of copy, mmap,
 * qemu-private and qemu-shared at N = 1 and 4, every expected value worked
 * out by hand:
 *
 *   USS at N=4 [kB]: copy 10240, mmap 6144, qemu-private 20480,
 *                    qemu-shared 16384 (medians of three rounds each)
 *   linux_start_user at N=1 [ms]: copy 100, 110, 120; mmap 85, 95, 105
 *   kernel PT_LOAD 6 MiB, of it read-only 3.5 MiB; initrd 1 MiB
 */
#include "../support/test_main.h"

#include "../support/python_check.h"
#include "backend_qemu.h"
#include "comparisons.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-6)
#define MIB (1024.0 * 1024.0)
#define T4 2.7764451051977987 /* t(0.975, 4), every t table */

enum { COPY, MMAP, PRIVATE, SHARED };

static struct bench_config config;
static struct run_summary summary;
static struct group_summary groups[8];
static struct run_context ctx;
static double values[64][3];
static unsigned int used;

static struct group_summary *group(unsigned int loader, unsigned int instances)
{
	return &groups[summary_group_index(&config, instances == 1 ? 0 : 1, loader)];
}

/* Three samples, their median given by hand. */
static void set(struct metric_summary *m, double a, double b, double c, double median)
{
	double *v = values[used++];

	v[0] = a;
	v[1] = b;
	v[2] = c;
	m->samples = v;
	m->nr_samples = 3;
	m->stats.n = 3;
	m->stats.median = median;
}

static int setup(void **state)
{
	static const char *const names[] = { "copy", "mmap", "qemu-private", "qemu-shared" };
	const struct vmm_backend *vmms[] = { &backend_loadvm, &backend_loadvm, &backend_qemu,
					     &backend_qemu };

	(void)state;
	for (unsigned l = 0; l < 4; l++) {
		config.loaders[l] = names[l];
		config.loader_vmm[l] = vmms[l];
	}
	config.nr_loaders = 4;
	config.instance_counts[0] = 1;
	config.instance_counts[1] = 4;
	config.nr_instance_counts = 2;
	for (unsigned c = 0; c < 2; c++)
		for (unsigned l = 0; l < 4; l++) {
			group(l, config.instance_counts[c])->loader = l;
			group(l, config.instance_counts[c])->instances = config.instance_counts[c];
		}
	summary.config = &config;
	summary.groups = groups;
	summary.nr_groups = 8;
	set(&group(COPY, 4)->mem_kb[MEM_USS], 10240, 10250, 10230, 10240);
	set(&group(MMAP, 4)->mem_kb[MEM_USS], 6144, 6150, 6140, 6144);
	set(&group(PRIVATE, 4)->mem_kb[MEM_USS], 20480, 20490, 20470, 20480);
	set(&group(SHARED, 4)->mem_kb[MEM_USS], 16384, 16390, 16380, 16384);
	set(&group(COPY, 1)->point_ms[POINT_LINUX_START_USER], 100, 110, 120, 110);
	set(&group(MMAP, 1)->point_ms[POINT_LINUX_START_USER], 85, 95, 105, 95);
	/* At N=4 a copy boot timed out (censored); mmap's median is a bound. */
	set(&group(COPY, 4)->point_ms[POINT_LINUX_START_USER], 100, 110, 120, 110);
	group(COPY, 4)->point_ms[POINT_LINUX_START_USER].nr_censored = 1;
	set(&group(MMAP, 4)->point_ms[POINT_LINUX_START_USER], 90, 95, 300, 95);
	group(MMAP, 4)->point_ms[POINT_LINUX_START_USER].lower_bound = true;
	ctx.kernel_elf.path = "vmlinux";
	ctx.kernel_elf.known = true;
	ctx.kernel_elf.bytes.all = 6 * 1024 * 1024;
	ctx.kernel_elf.bytes.readonly = 7 * 512 * 1024;
	ctx.initrd.path = "initrd";
	ctx.initrd.present = 1;
	ctx.initrd.bytes = 1024 * 1024;
	return 0;
}

static void each_vmm_compares_its_before_and_the_first_loader_every_other(void **state)
{
	struct comparisons c;

	(void)state;
	assert_int_equal(comparisons_before(&config, MMAP), COPY);
	assert_int_equal(comparisons_before(&config, SHARED), PRIVATE);
	assert_int_equal(comparisons_before(&config, COPY), -1);
	assert_int_equal(comparisons_before(&config, PRIVATE), -1);
	assert_int_equal(comparisons_compute(&c, &summary, &ctx), 0);
	assert_non_null(comparisons_find(&c, COPY, MMAP, 4, CMP_USS));
	assert_non_null(comparisons_find(&c, COPY, PRIVATE, 4, CMP_USS));
	assert_non_null(comparisons_find(&c, COPY, SHARED, 4, CMP_USS));
	assert_non_null(comparisons_find(&c, PRIVATE, SHARED, 4, CMP_USS));
	assert_null(comparisons_find(&c, MMAP, COPY, 4, CMP_USS));
	assert_null(comparisons_find(&c, MMAP, SHARED, 4, CMP_USS));
	/* Not measured by both: nothing compared. */
	assert_null(comparisons_find(&c, COPY, MMAP, 1, CMP_USS));
	assert_null(comparisons_find(&c, COPY, MMAP, 4, CMP_PSS));
	/* USS of 4 pairs at N=4, linux_start_user of copy-mmap at N=1 and 4. */
	assert_int_equal(c.nr, 6);
	comparisons_free(&c);
}

static void medians_give_the_difference_and_both_ratios(void **state)
{
	struct comparisons c;
	const struct comparison *m;

	(void)state;
	assert_int_equal(comparisons_compute(&c, &summary, &ctx), 0);
	m = comparisons_find(&c, COPY, MMAP, 4, CMP_USS);
	NEAR(m->base_median, 10240);
	NEAR(m->candidate_median, 6144);
	NEAR(m->median_difference, -4096);
	NEAR(m->relative_difference, -0.4);
	NEAR(m->candidate_over_base, 0.6);
	NEAR(m->base_over_candidate, 10240.0 / 6144);
	assert_false(m->lower_bound);
	assert_false(m->censored);
	comparisons_free(&c);
}

/* Variances 100 each, n = 3: df = 4, half-width t(0.975, 4) sqrt(200/3);
 * means 110 and 95. */
static void boot_times_get_welch_s_interval(void **state)
{
	struct comparisons c;
	const struct comparison *m;

	(void)state;
	assert_int_equal(comparisons_compute(&c, &summary, &ctx), 0);
	m = comparisons_find(&c, COPY, MMAP, 1, CMP_POINT + POINT_LINUX_START_USER);
	assert_non_null(m);
	assert_true(m->has_interval);
	NEAR(m->welch.difference, -15);
	NEAR(m->welch.df, 4);
	NEAR(m->welch.low, -15 - T4 * sqrt(200.0 / 3));
	NEAR(m->welch.high, -15 + T4 * sqrt(200.0 / 3));
	NEAR(m->candidate_over_base, 95.0 / 110);
	comparisons_free(&c);
}

static void a_censored_sample_gives_no_interval_and_a_bound_spreads(void **state)
{
	struct comparisons c;
	const struct comparison *m;

	(void)state;
	assert_int_equal(comparisons_compute(&c, &summary, &ctx), 0);
	m = comparisons_find(&c, COPY, MMAP, 4, CMP_POINT + POINT_LINUX_START_USER);
	assert_non_null(m);
	assert_true(m->censored);
	assert_false(m->has_interval);
	assert_true(m->lower_bound);
	NEAR(m->median_difference, -15);
	comparisons_free(&c);
}

/*
 * Saving 4096 kB = 4 MiB per instance in both pairs. loadvm's mmap: 3.5 +
 * 1 MiB predicted, 4/4.5 of it measured. QEMU: 6 + 1 MiB, 4/7.
 */
static void the_images_predict_the_saving_of_a_before_and_after(void **state)
{
	struct comparisons c;
	const struct comparison *m;

	(void)state;
	assert_int_equal(comparisons_compute(&c, &summary, &ctx), 0);
	m = comparisons_find(&c, COPY, MMAP, 4, CMP_USS);
	assert_true(m->has_prediction && m->prediction.known);
	assert_string_equal(m->prediction.basis, "kernel read-only PT_LOAD + initrd");
	assert_int_equal(m->prediction.kernel_bytes, 7 * 512 * 1024);
	assert_int_equal(m->prediction.initrd_bytes, 1024 * 1024);
	assert_int_equal(m->prediction.bytes, 9 * 512 * 1024);
	NEAR(m->prediction.measured_over_predicted, 4 / 4.5);
	NEAR(m->prediction.relative_difference, -0.5 / 4.5);
	m = comparisons_find(&c, PRIVATE, SHARED, 4, CMP_USS);
	assert_string_equal(m->prediction.basis, "kernel PT_LOAD + initrd");
	assert_int_equal(m->prediction.bytes, 7 * MIB);
	NEAR(m->prediction.measured_over_predicted, 4 / 7.0);
	/* copy against QEMU's loader is no before and after: no prediction. */
	assert_false(comparisons_find(&c, COPY, SHARED, 4, CMP_USS)->has_prediction);
	comparisons_free(&c);
}

static void an_unknown_kernel_says_why_there_is_no_prediction(void **state)
{
	struct run_context unknown = ctx;
	struct comparisons c;
	const struct comparison *m;

	(void)state;
	unknown.kernel_elf.known = false;
	snprintf(unknown.kernel_elf.why, sizeof(unknown.kernel_elf.why),
		 "vmlinux is not an ELF file");
	assert_int_equal(comparisons_compute(&c, &summary, &unknown), 0);
	m = comparisons_find(&c, COPY, MMAP, 4, CMP_USS);
	assert_true(m->has_prediction);
	assert_false(m->prediction.known);
	assert_string_equal(m->prediction.why, "vmlinux is not an ELF file");
	comparisons_free(&c);
}

static char *buffer;
static size_t length;

static void json_has_nulls_where_there_is_no_figure(void **state)
{
	struct comparisons c;
	struct json_writer j;
	FILE *f = open_memstream(&buffer, &length);

	(void)state;
	assert_non_null(f);
	assert_int_equal(comparisons_compute(&c, &summary, &ctx), 0);
	jw_init(&j, f);
	jw_object_begin(&j, NULL);
	comparisons_json(&j, &c, &config);
	jw_object_end(&j);
	assert_int_equal(jw_finish(&j), 0);
	fclose(f);
	assert_int_equal(
		python_run(
			"import json, sys; c = json.load(sys.stdin)[\"comparisons\"]; "
			"k = {(x[\"base\"], x[\"candidate\"], x[\"instances\"], x[\"metric\"]): x "
			"for x in c}; "
			"u = k[(\"copy\", \"mmap\", 4, \"uss\")]; "
			"assert u[\"section\"] == \"memory_kb\" and u[\"median_difference\"] == "
			"-4096; "
			"assert u[\"predicted_saving\"][\"bytes\"] == 4718592; "
			"b = k[(\"copy\", \"mmap\", 4, \"linux_start_user\")]; "
			"assert b[\"section\"] == \"trace_ms\" and b[\"censored\"] is True; "
			"assert b[\"welch\"] is None and b[\"mean_difference\"] is None; "
			"w = k[(\"copy\", \"mmap\", 1, \"linux_start_user\")][\"welch\"]; "
			"assert w[\"df\"] == 4 and w[\"ci95_low\"] < -15 < w[\"ci95_high\"]; "
			"assert \"predicted_saving\" not in k[(\"copy\", \"qemu-shared\", 4, "
			"\"uss\")]",
			buffer, 0),
		0);
	free(buffer);
	comparisons_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_vmm_compares_its_before_and_the_first_loader_every_other),
		cmocka_unit_test(medians_give_the_difference_and_both_ratios),
		cmocka_unit_test(boot_times_get_welch_s_interval),
		cmocka_unit_test(a_censored_sample_gives_no_interval_and_a_bound_spreads),
		cmocka_unit_test(the_images_predict_the_saving_of_a_before_and_after),
		cmocka_unit_test(an_unknown_kernel_says_why_there_is_no_prediction),
		cmocka_unit_test(json_has_nulls_where_there_is_no_figure),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
