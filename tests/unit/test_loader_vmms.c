// SPDX-License-Identifier: MIT
/*
 * Without --vmm, --loaders names the VMMs: loaders of two VMMs bring both
 * (they were refused: only the first loader's VMM was taken); with --vmm,
 * a loader of a VMM it leaves out is refused.
 */
#include "../support/test_main.h"

#include "../support/stderr_capture.h"
#include "backend.h"
#include "bench_config.h"

#include <getopt.h>
#include <string.h>

struct call {
	int argc;
	char **argv;
	struct bench_config *config;
};

static int call_parser(void *ctx)
{
	struct call *c = ctx;

	return bench_config_parse(c->argc, c->argv, c->config);
}

static int parse(char **argv, int argc, struct bench_config *config, char *err, size_t size)
{
	struct call c = { argc, argv, config };

	optind = 0;
	return capture_stderr(call_parser, &c, err, size);
}

static void loaders_of_two_vmms_bring_both(void **state)
{
	char *argv[] = { "loadbench", "--kernel",	  "/nonexistent/k",
			 "--loaders", "copy,qemu-shared", NULL };
	struct bench_config config = { 0 };
	char err[512];

	(void)state;
	assert_int_equal(parse(argv, 5, &config, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(config.nr_vmms, 2);
	assert_ptr_equal(config.loader_vmm[0], &backend_loadvm);
	assert_string_equal(config.loader_vmm[1]->name, "qemu");
}

static void a_loader_outside_vmm_is_refused(void **state)
{
	char *argv[] = { "loadbench", "--kernel",  "/nonexistent/k",   "--vmm",
			 "loadvm",    "--loaders", "copy,qemu-shared", NULL };
	struct bench_config config = { 0 };
	char err[512];

	(void)state;
	assert_int_not_equal(parse(argv, 7, &config, err, sizeof(err)), 0);
	assert_non_null(
		strstr(err, "qemu-shared is a qemu loader, but --vmm does not include qemu"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loaders_of_two_vmms_bring_both),
		cmocka_unit_test(a_loader_outside_vmm_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
