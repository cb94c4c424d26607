// SPDX-License-Identifier: MIT
/* Statistics on data whose answers are known by hand. */
#include "../support/test_main.h"

#include "stats.h"

#define CLOSE(x, y) assert_true((x) > (y)-1e-3 && (x) < (y) + 1e-3)

static void odd_count(void **state)
{
	double v[] = { 5, 1, 4, 2, 3 };
	struct sample_stats s;

	(void)state;
	stats_compute(v, 5, &s);
	assert_int_equal(s.n, 5);
	CLOSE(s.median, 3);
	CLOSE(s.mean, 3);
	CLOSE(s.min, 1);
	CLOSE(s.max, 5);
	CLOSE(s.stddev, 1.58114); /* sqrt(2.5) */
	CLOSE(s.ci95, 2.776 * 1.58114 / 2.23607);
}

static void even_count_median_is_the_middle_mean(void **state)
{
	double v[] = { 10, 40, 20, 30 };
	struct sample_stats s;

	(void)state;
	stats_compute(v, 4, &s);
	CLOSE(s.median, 25);
	CLOSE(s.mean, 25);
	CLOSE(s.ci95, 3.182 * 12.90994 / 2);
}

static void one_sample_has_no_spread(void **state)
{
	double v[] = { 7 };
	struct sample_stats s;

	(void)state;
	stats_compute(v, 1, &s);
	CLOSE(s.median, 7);
	CLOSE(s.stddev, 0);
	CLOSE(s.ci95, 0);
}

static void no_samples_says_so(void **state)
{
	struct sample_stats s;

	(void)state;
	stats_compute(NULL, 0, &s);
	assert_int_equal(s.n, 0);
}

static void t_quantiles(void **state)
{
	(void)state;
	CLOSE(student_t95(1), 12.706);
	CLOSE(student_t95(4), 2.776);
	CLOSE(student_t95(30), 2.042);
	CLOSE(student_t95(1000), 1.96);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(odd_count),
		cmocka_unit_test(even_count_median_is_the_middle_mean),
		cmocka_unit_test(one_sample_has_no_spread),
		cmocka_unit_test(no_samples_says_so),
		cmocka_unit_test(t_quantiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
