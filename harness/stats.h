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

/* Two-sided 95% Student t quantile for df degrees of freedom. */
double student_t95(unsigned int df);

#endif
