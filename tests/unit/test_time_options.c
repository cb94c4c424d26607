// SPDX-License-Identifier: MIT
/*
 * The time options of both programs, through their real option parsers and
 * without a guest (the KVM tests cover loadbench's the same way, but only
 * where there is KVM): loadbench's --settle, --ksm-settle-max and --timeout
 * and loadvm's --timeout refuse non-finite, negative and over-a-day values with one
 * line naming the option and the value, and accept a whole day; --order
 * and --order-seed are refused the same way.
 */
#include "../support/test_main.h"

#include "../support/stderr_capture.h"

#include "bench_config.h"
#include "options.h"
#include "seconds.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGS 8

enum program { LOADBENCH, LOADVM };

struct parsed {
	int ret;
	char err[512]; /* what the parser said on stderr */
	struct bench_config bench;
	struct loadvm_options vm;
};

struct parse_call {
	enum program program;
	int argc;
	char **argv;
	struct parsed *out;
};

static int call_parser(void *ctx)
{
	struct parse_call *c = ctx;

	return c->program == LOADBENCH ? bench_config_parse(c->argc, c->argv, &c->out->bench)
				       : options_parse(c->argc, c->argv, &c->out->vm);
}

/* Runs one parser on args (NULL-terminated, after the program's name). */
static void parse_args(enum program program, const char *const *args, struct parsed *out)
{
	char *argv[MAX_ARGS + 2];
	struct parse_call call = { program, 0, argv, out };

	argv[call.argc++] = program == LOADBENCH ? "loadbench" : "loadvm";
	while (*args && call.argc <= MAX_ARGS)
		argv[call.argc++] = (char *)*args++;
	argv[call.argc] = NULL;
	memset(out, 0, sizeof(*out));
	optind = 0; /* getopt starts over for each parse */
	out->ret = capture_stderr(call_parser, &call, out->err, sizeof(out->err));
}

static const char *const bad_seconds[] = {
	"nan",	 "inf",	  "-inf",     "-1", "-0.5", "86401", "86400.001", "1e10",
	"1e300", "1e400", "99999999", " 5", "5s",   "0x10",  "",
};

static void refused(enum program program, const char *option, const char *value)
{
	const char *args[] = { "--kernel", "/nonexistent/kvmlb-kernel", option, value, NULL };
	char want[64];
	struct parsed p = { 0 };

	parse_args(program, args, &p);
	snprintf(want, sizeof(want), "%s '%s'", option, value);
	if (p.ret != -1 || !strstr(p.err, want) || strchr(p.err, '\n') != p.err + strlen(p.err) - 1)
		fail_msg("%s %s '%s': returned %d, said \"%s\"",
			 program == LOADBENCH ? "loadbench" : "loadvm", option, value, p.ret,
			 p.err);
}

static void bad_seconds_are_refused_by_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_seconds) / sizeof(bad_seconds[0]); i++) {
		refused(LOADBENCH, "--settle", bad_seconds[i]);
		refused(LOADBENCH, "--ksm-settle-max", bad_seconds[i]);
		refused(LOADBENCH, "--timeout", bad_seconds[i]);
		refused(LOADVM, "--timeout", bad_seconds[i]);
	}
	/* 0 is no timeout, in every spelling; it is a settle time. */
	refused(LOADBENCH, "--timeout", "0");
	refused(LOADBENCH, "--timeout", "0.0");
	refused(LOADVM, "--timeout", "0e0");
}

/* A whole day is accepted, and becomes in-range system call arguments. */
static void a_day_is_accepted(void **state)
{
	const char *bench_args[] = { "--kernel",  "/nonexistent/kvmlb-kernel",
				     "--settle",  "86400",
				     "--timeout", "8.64e4",
				     NULL };
	const char *vm_args[] = { "--kernel", "/nonexistent/kvmlb-kernel", "--timeout", "86400",
				  NULL };
	const char *settle_zero[] = { "--kernel", "/nonexistent/kvmlb-kernel", "--settle", "0e0",
				      NULL };
	const char *ksm_day[] = { "--kernel", "/nonexistent/kvmlb-kernel", "--ksm-settle-max",
				  "86400", NULL };
	const char *ksm_zero[] = { "--kernel", "/nonexistent/kvmlb-kernel", "--ksm-settle-max",
				   "0.0", NULL };
	struct parsed p = { 0 };

	(void)state;
	/* Neither parser opens the kernel (missing here): the options passed. */
	parse_args(LOADBENCH, bench_args, &p);
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.err, "");
	assert_true(p.bench.settle_s == 86400.0 && p.bench.timeout_s == 86400.0);
	assert_int_equal(seconds_to_ms_up(p.bench.timeout_s), 86400000);
	assert_int_equal(seconds_to_timespec(p.bench.settle_s).tv_sec, 86400);
	parse_args(LOADBENCH, settle_zero, &p);
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.err, "");
	assert_true(p.bench.settle_s == 0.0);
	/* The wait for ksmd: 120 s unless told, up to a day, 0 for none. */
	assert_true(p.bench.ksm_settle_max_s == 120.0);
	parse_args(LOADBENCH, ksm_day, &p);
	assert_int_equal(p.ret, 0);
	assert_true(p.bench.ksm_settle_max_s == 86400.0);
	parse_args(LOADBENCH, ksm_zero, &p);
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.err, "");
	assert_true(p.bench.ksm_settle_max_s == 0.0);
	parse_args(LOADVM, vm_args, &p);
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.err, "");
	assert_true(p.vm.timeout_s == 86400.0);
	assert_int_equal(seconds_to_timeval(p.vm.timeout_s).tv_sec, 86400);
}

/* The run's order: a name from the list, a seed that fits JSON's integers. */
static void order_options_are_refused_by_name(void **state)
{
	static const char *const bad_seeds[] = { "-1", "x", "1.5", "9223372036854775808", "" };

	(void)state;
	refused(LOADBENCH, "--order", "random");
	refused(LOADBENCH, "--order", "");
	for (size_t i = 0; i < sizeof(bad_seeds) / sizeof(bad_seeds[0]); i++)
		refused(LOADBENCH, "--order-seed", bad_seeds[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order_options_are_refused_by_name),
		cmocka_unit_test(bad_seconds_are_refused_by_name),
		cmocka_unit_test(a_day_is_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
