// SPDX-License-Identifier: MIT
/* Strict number parsing shared by loadvm's and loadbench's options. */
#include "../support/test_main.h"

#include "parse.h"
#include "seconds.h"

#include <math.h>

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

/* A conversion of s has its sub-second field in range. */
static void ts_below_one_second(double s)
{
	struct timespec ts = seconds_to_timespec(s);
	struct timeval tv = seconds_to_timeval(s);

	assert_in_range(ts.tv_nsec, 0, 999999999);
	assert_in_range(tv.tv_usec, 0, 999999);
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
	assert_false(parse_seconds("nan", &v));
	assert_false(parse_seconds("0.0", &v));
	assert_false(parse_seconds("0e0", &v));
	assert_false(parse_seconds("1e400", &v)); /* overflows a double */
	assert_false(parse_seconds("86401", &v)); /* over a day */
	assert_false(parse_seconds("1e9", &v));
	assert_false(parse_seconds("0x10", &v)); /* hex floats are no decimal */
	assert_true(parse_seconds("86400", &v));
	assert_true(parse_seconds("1e2", &v));
	assert_true(v > 99.9 && v < 100.1);
}

static void seconds_or_zero(void **state)
{
	static const char *const zeros[] = { "0", "0.0", "0e0", "0.000", "00" };
	double v;

	(void)state;
	for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++) {
		v = -1;
		assert_true(parse_seconds_or_zero(zeros[i], &v));
		assert_true(v == 0);
	}
	assert_true(parse_seconds_or_zero("2.5", &v));
	assert_true(v > 2.49 && v < 2.51);
	assert_false(parse_seconds_or_zero("-0", &v));
	assert_false(parse_seconds_or_zero("nan", &v));
	assert_false(parse_seconds_or_zero("inf", &v));
	assert_false(parse_seconds_or_zero("1e300", &v));
	assert_false(parse_seconds_or_zero("", &v));
}

/* Every value a time option accepts converts without overflow: epoll_wait's
 * int of ms, nanosleep's timespec, setitimer's timeval. */
static void accepted_seconds_convert_exactly(void **state)
{
	static const struct {
		const char *text;
		int ms;
		long sec, nsec, usec;
	} cases[] = {
		{ "86400", 86400000, 86400, 0, 0 }, /* the largest accepted */
		{ "8.64e4", 86400000, 86400, 0, 0 },
		{ "4294.96875", 4294969, 4294, 968750000, 968750 }, /* past useconds_t */
		{ "3600.25", 3600250, 3600, 250000000, 250000 },
		{ "0.5", 500, 0, 500000000, 500000 },
		{ "0.0001", 1, 0, 100000, 100 }, /* rounded up: never an early wake */
		{ "1e-9", 1, 0, 1, 1 },		 /* 1 ns; 1 us, never a disarmed 0 */
		{ "1e-300", 1, 0, 0, 1 },	 /* below 1 ns: still 1 ms and 1 us */
	};
	double v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct timespec ts;
		struct timeval tv;

		assert_true(parse_seconds(cases[i].text, &v));
		ts = seconds_to_timespec(v);
		tv = seconds_to_timeval(v);
		if (seconds_to_ms_up(v) != cases[i].ms || ts.tv_sec != cases[i].sec ||
		    ts.tv_nsec != cases[i].nsec || tv.tv_sec != cases[i].sec ||
		    tv.tv_usec != cases[i].usec)
			fail_msg("%s: %d ms, %ld s %ld ns, %ld s %ld us", cases[i].text,
				 seconds_to_ms_up(v), (long)ts.tv_sec, ts.tv_nsec, (long)tv.tv_sec,
				 (long)tv.tv_usec);
	}
	/* The fraction just below a whole second stays below 1e9 ns and 1e6 us. */
	assert_true(parse_seconds("86399.99999999999", &v));
	ts_below_one_second(v);
	assert_true(parse_seconds_or_zero("0", &v));
	assert_int_equal(seconds_to_ms_up(v), 0);
	assert_int_equal(seconds_to_timespec(v).tv_nsec, 0);
	assert_int_equal(seconds_to_timeval(v).tv_usec, 0);
}

/* What got past no parser (a deadline already passed, a NaN, a typo made
 * in code) is clamped to 0..PARSE_SECONDS_MAX, never wrapped. */
static void any_double_converts_in_range(void **state)
{
	static const double odd[] = { -1.0,  -1e300, NAN,	    INFINITY,	      -INFINITY,
				      1e300, 1e10,   86400.0000001, 0.999999999999999 };

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		int ms = seconds_to_ms_up(odd[i]);
		struct timespec ts = seconds_to_timespec(odd[i]);
		struct timeval tv = seconds_to_timeval(odd[i]);

		assert_in_range(ms, 0, 86400000);
		assert_in_range(ts.tv_sec, 0, 86400);
		assert_in_range(ts.tv_nsec, 0, 999999999);
		assert_in_range(tv.tv_sec, 0, 86400);
		assert_in_range(tv.tv_usec, 0, 999999);
	}
	assert_int_equal(seconds_to_ms_up(-1.0), 0);
	assert_int_equal(seconds_to_ms_up(NAN), 0);
	assert_int_equal(seconds_to_ms_up(1e300), 86400000);
	assert_int_equal(seconds_to_timespec(INFINITY).tv_sec, 86400);
	assert_int_equal(seconds_to_timeval(-INFINITY).tv_usec, 0);
	assert_int_equal(seconds_to_ms_up(0.999999999999999), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_numbers_in_range),
		cmocka_unit_test(sizes_with_suffixes),
		cmocka_unit_test(seconds),
		cmocka_unit_test(seconds_or_zero),
		cmocka_unit_test(accepted_seconds_convert_exactly),
		cmocka_unit_test(any_double_converts_in_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
