// SPDX-License-Identifier: MIT
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double student_t95(unsigned int df)
{
	/* t(0.975, df) for df = 1..30; beyond, the normal 1.96 is within 2%. */
	static const double table[] = {
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201,	2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080,	2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	};

	if (df == 0)
		return 0;
	if (df <= sizeof(table) / sizeof(table[0]))
		return table[df - 1];
	return 1.96;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void stats_compute(double *samples, unsigned int n, struct sample_stats *out)
{
	double sum = 0, squares = 0;

	memset(out, 0, sizeof(*out));
	out->n = n;
	if (n == 0)
		return;
	qsort(samples, n, sizeof(*samples), compare_doubles);
	out->min = samples[0];
	out->max = samples[n - 1];
	out->median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	for (unsigned i = 0; i < n; i++)
		sum += samples[i];
	out->mean = sum / n;
	if (n < 2)
		return;
	for (unsigned i = 0; i < n; i++)
		squares += (samples[i] - out->mean) * (samples[i] - out->mean);
	out->stddev = sqrt(squares / (n - 1));
	out->ci95 = student_t95(n - 1) * out->stddev / sqrt((double)n);
}
