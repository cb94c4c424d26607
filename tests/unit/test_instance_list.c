// SPDX-License-Identifier: MIT
/* --instances parsing: distinct whole numbers from 1 to 1024. */
#include "../support/test_main.h"

#include "bench_config.h"

static void valid_lists(void **state)
{
	unsigned counts[MAX_INSTANCE_COUNTS], nr;

	(void)state;
	assert_int_equal(parse_instance_list("1,2,4,8,16", counts, MAX_INSTANCE_COUNTS, &nr), 0);
	assert_int_equal(nr, 5);
	assert_int_equal(counts[4], 16);
	assert_int_equal(parse_instance_list("256", counts, MAX_INSTANCE_COUNTS, &nr), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(counts[0], 256);
}

static void invalid_lists(void **state)
{
	static const char *const bad[] = {
		"",   ",",     "1,",   ",1",   "1,,2",
		"0",  "-1",    "1,-2", "1,1",  "2,4,2",
		"x",  "1,two", "1.5",  "1025", "99999999999999999999",
		" 1", "1 ,2",
	};
	unsigned counts[MAX_INSTANCE_COUNTS], nr;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_instance_list(bad[i], counts, MAX_INSTANCE_COUNTS, &nr) == 0)
			fail_msg("'%s' was accepted", bad[i]);
}

static void too_many_counts(void **state)
{
	unsigned counts[3], nr;

	(void)state;
	assert_int_equal(parse_instance_list("1,2,3", counts, 3, &nr), 0);
	assert_int_equal(parse_instance_list("1,2,3,4", counts, 3, &nr), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_lists),
		cmocka_unit_test(invalid_lists),
		cmocka_unit_test(too_many_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
