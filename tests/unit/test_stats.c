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

/* Every line of the fixture. */
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

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-6)

/*
 * Welch's interval, against values worked out by hand. n = 3 each with
 * variance 1: the squared standard errors are 1/3 each, df = (2/3)^2 /
 * (2 (1/3)^2 / 2) = 4, half-width t(0.975, 4) sqrt(2/3) with t(0.975, 4) =
 * 2.7764451051977987 (every t table; the fixture's value).
 */
static void welch_with_equal_spread_has_pooled_degrees_of_freedom(void **state)
{
	const double a[] = { 10, 11, 12 }, b[] = { 20, 21, 22 };
	struct welch_interval w;

	(void)state;
	assert_int_equal(stats_welch(a, 3, b, 3, &w), 1);
	NEAR(w.difference, 10);
	NEAR(w.df, 4);
	NEAR(w.high, 10 + 2.7764451051977987 * sqrt(2.0 / 3));
	NEAR(w.low, 10 - 2.7764451051977987 * sqrt(2.0 / 3));
}

/*
 * Variances 1 (n = 3) and 20/3 (n = 4): squared standard errors 1/3 and
 * 5/3, their sum 2; df = 4 / ((1/3)^2/2 + (5/3)^2/3) = 216/53;
 * t(0.975, 216/53) = 2.75628487435957 (mpmath: incomplete beta and
 * quadrature agree). The means are 11 and 23.
 */
static void welch_with_unequal_spread_has_fractional_degrees_of_freedom(void **state)
{
	const double a[] = { 10, 11, 12 }, b[] = { 20, 22, 24, 26 };
	struct welch_interval w;

	(void)state;
	assert_int_equal(stats_welch(a, 3, b, 4, &w), 1);
	NEAR(w.difference, 12);
	NEAR(w.df, 216.0 / 53);
	NEAR(w.high - w.difference, 2.75628487435957 * sqrt(2.0));
	NEAR(w.difference - w.low, 2.75628487435957 * sqrt(2.0));
}

/* One round gives a difference of means but no interval. */
static void welch_needs_two_values_each(void **state)
{
	const double a[] = { 5 }, b[] = { 7, 9 };
	struct welch_interval w;

	(void)state;
	assert_int_equal(stats_welch(a, 1, b, 2, &w), 0);
	NEAR(w.difference, 3);
	assert_true(isnan(w.low) && isnan(w.high) && isnan(w.df));
	assert_int_equal(stats_welch(a, 0, b, 2, &w), -1);
	assert_true(isnan(w.difference));
}

/* Constant samples: the interval is the difference itself, df undefined. */
static void welch_of_constant_samples_is_the_difference(void **state)
{
	const double a[] = { 4, 4 }, b[] = { 6, 6, 6 };
	struct welch_interval w;

	(void)state;
	assert_int_equal(stats_welch(a, 2, b, 3, &w), 1);
	assert_true(w.low == 2 && w.high == 2 && w.difference == 2);
	assert_true(isnan(w.df));
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
		cmocka_unit_test(welch_with_equal_spread_has_pooled_degrees_of_freedom),
		cmocka_unit_test(welch_with_unequal_spread_has_fractional_degrees_of_freedom),
		cmocka_unit_test(welch_needs_two_values_each),
		cmocka_unit_test(welch_of_constant_samples_is_the_difference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
