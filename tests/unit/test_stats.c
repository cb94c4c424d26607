// SPDX-License-Identifier: MIT
/* Statistics on data whose answers are known by hand. */
#include "../support/test_main.h"

#include "stats.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

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
	/* t(0.975, 4) = 2.7764451 */
	CLOSE(s.ci95, 2.7764451 * 1.58114 / 2.23607);
}

static void even_count_median_is_the_middle_mean(void **state)
{
	double v[] = { 10, 40, 20, 30 };
	struct sample_stats s;

	(void)state;
	stats_compute(v, 4, &s);
	CLOSE(s.median, 25);
	CLOSE(s.mean, 25);
	/* t(0.975, 3) = 3.1824463 */
	CLOSE(s.ci95, 3.1824463 * 12.90994 / 2);
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

/* Beyond 30 degrees of freedom the interval uses t too, not the normal 1.96. */
static void forty_one_rounds_use_t_with_forty_df(void **state)
{
	double v[41];
	struct sample_stats s;

	(void)state;
	for (int i = 0; i < 41; i++)
		v[i] = i + 1;
	stats_compute(v, 41, &s);
	CLOSE(s.stddev, 11.97915); /* sqrt(2 (1^2 + ... + 20^2) / 40) */
	CLOSE(s.ci95, 2.0210754 * 11.97915 / 6.40312);
}

/* Every line of the fixture that bench/report.py's tests read too. */
static void t_quantiles_match_the_reference(void **state)
{
	FILE *f = fopen("tests/fixtures/stats/t-quantiles.txt", "r");
	char line[256];
	int checked = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		double p, df, t, got;

		if (line[0] == '#' || sscanf(line, "%lf %lf %lf", &p, &df, &t) != 3)
			continue;
		got = student_t_quantile(p, df);
		if (!(fabs(got - t) <= 1e-9 * fabs(t)))
			fail_msg("t(%g, %g) = %.15g, expected %.15g", p, df, got, t);
		checked++;
	}
	fclose(f);
	assert_true(checked >= 17);
}

static void t_quantile_edges(void **state)
{
	(void)state;
	assert_true(student_t_quantile(0.5, 7) == 0);
	assert_true(student_t_quantile(1, 7) == INFINITY);
	assert_true(student_t_quantile(0, 7) == -INFINITY);
	assert_true(isnan(student_t_quantile(1.5, 7)));
	assert_true(isnan(student_t_quantile(0.975, 0)));
	assert_true(isnan(student_t_quantile(NAN, 7)));
	/* Far out, the exact value (1 / (pi p) for df = 1) or NaN, never a guess. */
	assert_true(isnan(student_t_quantile(1e-300, 1)) ||
		    fabs(student_t_quantile(1e-300, 1) / -3.18309886183791e299 - 1) < 1e-9);
	assert_true(fabs(student_t_quantile(1e-300, 100) / -9682.73428706956 - 1) < 1e-9);
	/* The most degrees of freedom an unsigned count gives: 1.95996398509239
	 * (mpmath, 50 digits); the continued fraction loses digits as df grows. */
	assert_true(fabs(student_t_quantile(0.975, UINT_MAX) - 1.95996398509239) < 2e-7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(odd_count),
		cmocka_unit_test(even_count_median_is_the_middle_mean),
		cmocka_unit_test(one_sample_has_no_spread),
		cmocka_unit_test(no_samples_says_so),
		cmocka_unit_test(forty_one_rounds_use_t_with_forty_df),
		cmocka_unit_test(t_quantiles_match_the_reference),
		cmocka_unit_test(t_quantile_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
