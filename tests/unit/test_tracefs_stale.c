// SPDX-License-Identifier: MIT
/* Which tracefs instances the start-up clean-up may take: only names that
 * kvm_tracefs_open makes, and only from a pid that is not a loadbench. */
#include "../support/test_main.h"

#include "tracefs_stale.h"

#include <string.h>

static void names_of_ours(void **state)
{
	(void)state;
	assert_int_equal(tracefs_stale_pid("loadbench-1234-0"), 1234);
	assert_int_equal(tracefs_stale_pid("loadbench-1-17"), 1);
	assert_int_equal(tracefs_stale_pid("loadbench-2147483647-4294967295"), 2147483647);
}

static void names_of_others(void **state)
{
	static const char *const others[] = {
		"",
		".",
		"..",
		"loadbench",
		"loadbench-",
		"loadbench--0",
		"loadbench-12",
		"loadbench-12-",
		"loadbench-0-0",	  /* no pid 0 */
		"loadbench--5-0",	  /* no sign */
		"loadbench-+5-0",	  /* no sign */
		"loadbench-12-0-1",	  /* one serial */
		"loadbench-12-x",	  /* digits only */
		"loadbench-1x-0",	  /* digits only */
		"loadbench-2147483648-0", /* past any pid */
		"loadbench-99999999999999999999-0",
		"Loadbench-12-0",
		"my-loadbench-12-0",
		"loadbench-12-0 ",
		"qemu-12-0",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (tracefs_stale_pid(others[i]) != 0)
			fail_msg("'%s' taken for a loadbench instance", others[i]);
}

#define ARGS(s) (s), sizeof(s) /* a cmdline: NUL-separated, the last NUL counted */

static void a_running_loadbench_is_left_alone(void **state)
{
	(void)state;
	assert_true(tracefs_stale_is_loadbench("loadbench", "", "", 0));
	assert_true(
		tracefs_stale_is_loadbench("x", "/work/build/loadbench", ARGS("build/loadbench")));
	assert_true(tracefs_stale_is_loadbench("x", "/b/loadbench (deleted)", "", 0));
	assert_true(tracefs_stale_is_loadbench("x", "loadbench", "", 0));
	/* Under valgrind comm and exe are valgrind's. */
	assert_true(tracefs_stale_is_loadbench("memcheck-amd64-", "/usr/libexec/valgrind/memcheck",
					       ARGS("valgrind\0-q\0build/loadbench\0--quiet")));
}

static void another_process_is_not_a_loadbench(void **state)
{
	(void)state;
	assert_false(tracefs_stale_is_loadbench(NULL, "", "", 0)); /* no such process */
	assert_false(tracefs_stale_is_loadbench("sleep", "/usr/bin/sleep",
						ARGS("sleep\0"
						     "60")));
	assert_false(tracefs_stale_is_loadbench("loadbench2", "/b/loadbench2", ARGS("loadbench2")));
	assert_false(tracefs_stale_is_loadbench("x", "/b/myloadbench", ARGS("/b/myloadbench")));
	assert_false(tracefs_stale_is_loadbench("x", "/b/loadbench/x", ARGS("/b/loadbench/x")));
	assert_false(tracefs_stale_is_loadbench("kworker/0:1", "", "", 0));
	/* An argument that only mentions loadbench in a longer string. */
	assert_false(tracefs_stale_is_loadbench("sh", "/bin/dash", ARGS("sh\0-c\0loadbench x")));
}

/* args_len bounds the scan: a name past it does not count. */
static void only_the_cmdline_read_counts(void **state)
{
	static const char args[] = "sleep\0loadbench";

	(void)state;
	assert_false(tracefs_stale_is_loadbench("sleep", "", args, strlen("sleep") + 1));
	assert_true(tracefs_stale_is_loadbench("sleep", "", args, sizeof(args)));
	/* Unterminated: the read was cut at the buffer's end. */
	assert_true(tracefs_stale_is_loadbench("sleep", "", args, sizeof(args) - 1));
	assert_false(tracefs_stale_is_loadbench("sleep", "", args, sizeof(args) - 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_of_ours),
		cmocka_unit_test(names_of_others),
		cmocka_unit_test(a_running_loadbench_is_left_alone),
		cmocka_unit_test(another_process_is_not_a_loadbench),
		cmocka_unit_test(only_the_cmdline_read_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
