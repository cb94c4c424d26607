// SPDX-License-Identifier: MIT
/* Density from a group's memory medians: 1 GiB over the median, in kB. */
#include "../support/test_main.h"

#include "density.h"

static void a_quarter_gib_fits_four_times(void **state)
{
	struct metric_summary pss = { .stats = { .n = 3, .median = 262144.0 } };
	struct metric_summary uss = { .stats = { .n = 1, .median = 30000.0 } };

	(void)state;
	assert_float_equal(density_per_gib(&pss), 4.0, 1e-12);
	assert_float_equal(density_per_gib(&uss), 1048576.0 / 30000.0, 1e-9);
}

static void nothing_measured_is_no_density(void **state)
{
	struct metric_summary none = { .stats = { .n = 0 } };
	struct metric_summary zero = { .stats = { .n = 2, .median = 0.0 } };

	(void)state;
	assert_true(density_per_gib(&none) < 0);
	assert_true(density_per_gib(&zero) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_quarter_gib_fits_four_times),
		cmocka_unit_test(nothing_measured_is_no_density),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
