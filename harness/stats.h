/* SPDX-License-Identifier: MIT */
/* Descriptive statistics over per-round samples. */
#ifndef LOADBENCH_STATS_H
#define LOADBENCH_STATS_H

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

/* samples may be reordered (sorted). */
void stats_compute(double *samples, unsigned int n, struct sample_stats *out);

/* The p-quantile of Student's t with df > 0 degrees of freedom (not only
 * whole ones: Welch's df is not), e.g. 0.975 for a two-sided 95% interval.
 * Within 1e-10 relative up to df = 1e6 and 1e-7 up to 2^32; NaN outside
 * 0 <= p <= 1, for df <= 0, and where a p below 1e-16 puts t out of reach
 * of doubles; +-INFINITY at p = 1 and 0. */
double student_t_quantile(double p, double df);

#endif
