// SPDX-License-Identifier: MIT
/*
 * loadbench --cache warm|cold, through its real option parser and its
 * binary (refused before anything runs, so no KVM is needed): a bad value
 * is one line naming --cache and the value, exit 2, no --out directory;
 * a good one is taken without opening anything.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "../support/stderr_capture.h"
#include "bench_config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct parsed {
	int ret;
	char err[512];
	struct bench_config config;
};

struct parse_call {
	char **argv;
	struct bench_config *config;
};

static int call_parser(void *ctx)
{
	struct parse_call *call = ctx;

	return bench_config_parse(5, call->argv, call->config);
}

static int call_setup(void *config)
{
	return bench_config_setup(config);
}

static void parse(const char *value, struct parsed *out)
{
	char *argv[] = { "loadbench", "--kernel",    "/nonexistent/kvmlb-kernel",
			 "--cache",   (char *)value, NULL };
	struct parse_call call = { argv, &out->config };

	memset(out, 0, sizeof(*out));
	optind = 0;
	out->ret = capture_stderr(call_parser, &call, out->err, sizeof(out->err));
}

static const char *const bad_values[] = { "", "hot", "Warm", "COLD", "warm,cold", "cold ", "1" };

static bool one_line(const char *text)
{
	return *text && strchr(text, '\n') == text + strlen(text) - 1;
}

static void bad_values_are_refused_by_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		struct parsed p = { 0 };
		char want[64];

		parse(bad_values[i], &p);
		snprintf(want, sizeof(want), "--cache '%s': expected warm or cold", bad_values[i]);
		if (p.ret != -1 || !strstr(p.err, want) || !one_line(p.err))
			fail_msg("--cache '%s': returned %d, said \"%s\"", bad_values[i], p.ret,
				 p.err);
	}
}

static void good_values_are_taken(void **state)
{
	static const char *const good[] = { "warm", "cold" };
	struct parsed p = { 0 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		parse(good[i], &p);
		/* The parser opens nothing: the missing kernel is setup's to refuse. */
		assert_int_equal(p.ret, 0);
		assert_string_equal(p.err, "");
		assert_string_equal(p.config.cache, good[i]);
		p.ret = capture_stderr(call_setup, &p.config, p.err, sizeof(p.err));
		if (p.ret != -1 || !strstr(p.err, "/nonexistent/kvmlb-kernel") || !one_line(p.err))
			fail_msg("setup after --cache %s: returned %d, said \"%s\"", good[i], p.ret,
				 p.err);
	}
}

/* The binary: exit 2, one line, and nothing made. */
static void the_binary_exits_2(void **state)
{
	const char *never = test_path("never");
	const char *argv[] = { loadbench_path(), "--kernel", "/nonexistent/kvmlb-kernel",
			       "--out",		 never,	     "--cache",
			       "tepid",		 NULL };
	int status = run_cmd(argv, test_path("out.txt"), test_path("err.txt"), 20);
	char *err = slurp(test_path("err.txt"));

	(void)state;
	assert_non_null(err);
	if (status != 2 || !strstr(err, "--cache 'tepid'") || !one_line(err) ||
	    access(never, F_OK) == 0)
		fail_msg("loadbench --cache tepid: status %d, stderr: %s", status, err);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_values_are_refused_by_name),
		cmocka_unit_test(good_values_are_taken),
		cmocka_unit_test(the_binary_exits_2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
