// SPDX-License-Identifier: MIT
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Student's t quantile, exact rather than tabulated: P(T > t) for t >= 0 is
 * I_x(df/2, 1/2) / 2 with x = df / (df + t^2), the regularized incomplete
 * beta function, evaluated by its continued fraction; Newton's method
 * inverts it. Held to tests/fixtures/stats/t-quantiles.txt. It serves the
 * per-metric ci95 and Welch's intervals (comparisons.h), which the report
 * only prints.
 */

/* ln Gamma(a) minus Stirling's approximation, for a >= 10: its series
 * 1/(12a) - 1/(360a^3) + ... is accurate to 1e-14 there. */
static double stirling_rest(double a)
{
	double r = 1 / (a * a);

	return (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r / 1188)))) / a;
}

/* ln B(a, 1/2). For large a, lgamma(a) - lgamma(a + 1/2) would cancel
 * almost all its digits; Stirling's form of the difference does not. */
static double log_beta_half(double a)
{
	if (a < 10)
		return lgamma(a) + 0.5 * log(M_PI) - lgamma(a + 0.5);
	return 0.5 * log(M_PI) - (a - 0.5) * log1p(0.5 / a) - 0.5 * log(a + 0.5) + 0.5 +
	       stirling_rest(a) - stirling_rest(a + 0.5);
}

/*
 * The continued fraction 1 + d1/(1 + d2/(1 + ...)) of I_x(a, b) =
 * x^a (1-x)^b / (a B(a, b) CF), with d(2m+1) = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1))
 * and d(2m) = m(b-m)x / ((a+2m-1)(a+2m)), by Lentz's method. It converges
 * quickly for x < (a+1)/(a+b+2); NaN if it has not after 10000 terms.
 */
static double beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300; /* stands in for a zero denominator */
	double f = 1, c = 1, d = 0;

	for (int j = 1; j <= 10000; j++) {
		const int m = j / 2; /* j = 2m + 1 or 2m */
		double num;

		if (j % 2)
			num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		else
			num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		d = 1 / (fabs(d) > tiny ? d : tiny);
		c = 1 + num / c;
		if (fabs(c) <= tiny)
			c = tiny;
		f *= c * d;
		if (fabs(c * d - 1) < 1e-15)
			return f;
	}
	return NAN;
}

/* P(T > t) for t >= 0, with x = 1/(1+s), 1-x = s/(1+s), s = t^2/df. The
 * factor x^a (1-x)^(1/2) comes from logarithms of s, never of x or 1-x, so
 * it keeps its digits when either is near 1. */
static double t_upper_tail(double t, double df)
{
	double a = df / 2, s = t * t / df, log_x, front;

	if (s == 0)
		return 0.5;
	log_x = -log1p(s);
	front = exp(a * log_x + 0.5 * (log(s) + log_x) - log_beta_half(a));
	if (1 / (1 + s) < (a + 1) / (a + 2.5))
		return 0.5 * front / (a * beta_fraction(a, 0.5, 1 / (1 + s)));
	/* I_x(a, b) = 1 - I_(1-x)(b, a), where that fraction converges fast. */
	return 0.5 - front / beta_fraction(0.5, a, s / (1 + s));
}

/* (1 + t^2/df)^(-(df+1)/2) / (sqrt(df) B(df/2, 1/2)) */
static double t_density(double t, double df)
{
	return exp(-(df + 1) / 2 * log1p(t * t / df) - 0.5 * log(df) - log_beta_half(df / 2));
}

double student_t_quantile(double p, double df)
{
	/* The smaller tail; 1 - p is exact for p >= 1/2, where it is taken. */
	double q = p < 0.5 ? p : 1 - p, t = 0;

	if (!(df > 0) || !(p >= 0 && p <= 1))
		return NAN;
	if (q == 0)
		return p < 0.5 ? -INFINITY : INFINITY;
	/*
	 * Newton on P(T > t) = q from t = 0: the tail is convex for t >= 0, so
	 * every step lands short of the root and the steps shrink to it. A step
	 * that is not positive means rounding has reached the root. Even for
	 * p = 1e-300 that takes under 1500 steps. Where t^2 or the density leave
	 * the range of a double (p below 1e-16 and few df), NaN, not a guess.
	 */
	for (int i = 0; i < 2000; i++) {
		double density = t_density(t, df), step;

		if (density == 0)
			return NAN;
		step = (t_upper_tail(t, df) - q) / density;
		if (!isfinite(step))
			return NAN;
		if (step <= 0)
			break;
		t += step;
		if (step <= 1e-13 * t)
			break;
	}
	return p < 0.5 ? -t : t;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_median(double *values, unsigned int n)
{
	if (n == 0 || !values)
		return NAN;
	qsort(values, n, sizeof(*values), compare_doubles);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int stats_censored_median(const double *values, const bool *censored, unsigned int n,
			  double *median, bool *lower_bound)
{
	double *copy = malloc(2 * (n + 1) * sizeof(double)), *unbounded;

	if (!copy)
		return -1;
	unbounded = copy + n + 1;
	for (unsigned i = 0; i < n; i++) {
		copy[i] = values[i];
		unbounded[i] = censored[i] ? INFINITY : values[i];
	}
	*median = stats_median(copy, n);
	*lower_bound = stats_median(unbounded, n) != *median;
	free(copy);
	return 0;
}

void stats_compute(double *samples, unsigned int n, struct sample_stats *out)
{
	double sum = 0, squares = 0;

	memset(out, 0, sizeof(*out));
	out->n = n;
	if (n == 0)
		return;
	out->median = stats_median(samples, n);
	out->min = samples[0];
	out->max = samples[n - 1];
	for (unsigned i = 0; i < n; i++)
		sum += samples[i];
	out->mean = sum / n;
	if (n < 2)
		return;
	for (unsigned i = 0; i < n; i++)
		squares += (samples[i] - out->mean) * (samples[i] - out->mean);
	out->stddev = sqrt(squares / (n - 1));
	out->ci95 = student_t_quantile(0.975, n - 1) * out->stddev / sqrt((double)n);
}

/* Mean and sample variance (n - 1; NaN for n = 1), in the order given. */
static void mean_variance(const double *v, unsigned int n, double *mean, double *variance)
{
	double sum = 0, squares = 0;

	for (unsigned i = 0; i < n; i++)
		sum += v[i];
	*mean = sum / n;
	for (unsigned i = 0; i < n; i++)
		squares += (v[i] - *mean) * (v[i] - *mean);
	*variance = n > 1 ? squares / (n - 1) : NAN;
}

int stats_welch(const double *a, unsigned int na, const double *b, unsigned int nb,
		struct welch_interval *out)
{
	double mean_a, mean_b, var_a, var_b, sa, sb, half;

	out->difference = out->low = out->high = out->df = NAN;
	if (na == 0 || nb == 0)
		return -1;
	mean_variance(a, na, &mean_a, &var_a);
	mean_variance(b, nb, &mean_b, &var_b);
	out->difference = mean_b - mean_a;
	if (na < 2 || nb < 2)
		return 0;
	sa = var_a / na; /* the squared standard errors of the means */
	sb = var_b / nb;
	if (sa + sb == 0) {
		out->low = out->high = out->difference;
		return 1;
	}
	out->df = (sa + sb) * (sa + sb) / (sa * sa / (na - 1) + sb * sb / (nb - 1));
	half = student_t_quantile(0.975, out->df) * sqrt(sa + sb);
	out->low = out->difference - half;
	out->high = out->difference + half;
	return 1;
}
