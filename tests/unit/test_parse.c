// SPDX-License-Identifier: MIT
/* Strict number parsing shared by loadvm's and loadbench's options. */
#include "../support/test_main.h"

#include "parse.h"

static void whole_numbers_in_range(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(parse_u64("128", 2, 1000, &v));
	assert_int_equal(v, 128);
	assert_false(parse_u64("1", 2, 1000, &v));
	assert_false(parse_u64("1001", 2, 1000, &v));
	assert_false(parse_u64("-1", 0, UINT64_MAX, &v));
	assert_false(parse_u64(" 5", 0, 10, &v));
	assert_false(parse_u64("5x", 0, 10, &v));
	assert_false(parse_u64("", 0, 10, &v));
	assert_false(parse_u64("99999999999999999999999", 0, UINT64_MAX, &v));
}

static void sizes_with_suffixes(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(parse_size("3M", &v));
	assert_int_equal(v, 3 << 20);
	assert_true(parse_size("64k", &v));
	assert_int_equal(v, 64 << 10);
	assert_true(parse_size("2G", &v));
	assert_int_equal(v, 2ULL << 30);
	assert_true(parse_size("4096", &v));
	assert_int_equal(v, 4096);
	assert_false(parse_size("3MB", &v));
	assert_false(parse_size("M", &v));
	assert_false(parse_size("-3M", &v));
	assert_false(parse_size("17179869184G", &v)); /* 2^64 bytes: overflows */
}

static void seconds(void **state)
{
	double v;

	(void)state;
	assert_true(parse_seconds("0.5", &v));
	assert_true(v > 0.49 && v < 0.51);
	assert_false(parse_seconds("0", &v));
	assert_false(parse_seconds("-2", &v));
	assert_false(parse_seconds("inf", &v));
	assert_false(parse_seconds("2s", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_numbers_in_range),
		cmocka_unit_test(sizes_with_suffixes),
		cmocka_unit_test(seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
