/* SPDX-License-Identifier: MIT */
/* Descriptive statistics over per-round samples. */
#ifndef LOADBENCH_STATS_H
#define LOADBENCH_STATS_H

#include <stdbool.h>

struct sample_stats {
	unsigned int n; /* 0: nothing measured, every other field is meaningless */
	double median;
	double mean;
	double min;
	double max;
	double stddev; /* sample standard deviation (n - 1); 0 when n = 1 */
	double ci95;   /* half-width of the 95% confidence interval of the mean
			* (Student's t); 0 when n = 1 */
};

/* The median of n > 0 values; values may be reordered (sorted). */
double stats_median(double *values, unsigned int n);

/*
 * The median of n > 0 values of which those flagged censored[i] are only
 * lower bounds (the true value is at least values[i]). The median is
 * monotone in every value, so it is a lower bound of the true median; it is
 * exact when replacing every censored value by +infinity leaves it unchanged.
 * *lower_bound says it is not exact. -1 when out of memory.
 */
int stats_censored_median(const double *values, const bool *censored, unsigned int n,
			  double *median, bool *lower_bound);

/* samples may be reordered (sorted). */
void stats_compute(double *samples, unsigned int n, struct sample_stats *out);

/* The p-quantile of Student's t with df > 0 degrees of freedom (not only
 * whole ones: Welch's df is not), e.g. 0.975 for a two-sided 95% interval.
 * Within 1e-10 relative up to df = 1e6 and 1e-7 up to 2^32; NaN outside
 * 0 <= p <= 1, for df <= 0, and where a p below 1e-16 puts t out of reach
 * of doubles; +-INFINITY at p = 1 and 0. */
double student_t_quantile(double p, double df);

/* Welch's t-interval for the difference of two means (b's minus a's),
 * from samples with unequal variances. */
struct welch_interval {
	double difference; /* mean of b minus mean of a */
	double low, high;  /* its 95% confidence interval */
	double df;	   /* Welch-Satterthwaite degrees of freedom; NaN when
			    * both samples are constant (the interval is then
			    * the difference alone) */
};

/* The difference of means of a[na] and b[nb] (na, nb >= 1) and, when each
 * has at least 2 values, its interval: returns 1 with out complete, 0 with
 * only out->difference set (low, high, df NaN), -1 if a sample is empty. */
int stats_welch(const double *a, unsigned int na, const double *b, unsigned int nb,
		struct welch_interval *out);

#endif
