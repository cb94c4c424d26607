// SPDX-License-Identifier: MIT
/*
 * tracefs_lost_events reads per_cpu/cpu<N>/stats as the kernel writes them
 * (6.x layout), here laid out in a temporary directory.
 */
#include "../support/test_main.h"

#include "tracefs_lost.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/tracefs-lost.XXXXXX";

static void write_stats(const char *cpu, long long overrun, long long commit, long long dropped)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/per_cpu/%s", root, cpu);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/per_cpu/%s/stats", root, cpu);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"entries: 12\noverrun: %lld\ncommit overrun: %lld\nbytes: 4080\n"
		"oldest event ts:  1234.567890\nnow ts:  1240.000000\ndropped events: %lld\n"
		"read events: 99\n",
		overrun, commit, dropped);
	assert_int_equal(fclose(f), 0);
}

static int make_root(void **state)
{
	char path[256];

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/per_cpu", root);
	return mkdir(path, 0700);
}

static int remove_root(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void every_cpu_and_every_kind_of_loss_counts(void **state)
{
	(void)state;
	assert_int_equal(tracefs_lost_events(root), -1); /* no CPU read yet */
	write_stats("cpu0", 0, 0, 0);
	assert_int_equal(tracefs_lost_events(root), 0);
	write_stats("cpu1", 5, 2, 0);
	write_stats("cpu12", 0, 0, 30);
	/* Not a CPU: ignored. */
	write_stats("other", 1000, 1000, 1000);
	assert_int_equal(tracefs_lost_events(root), 37);
}

static void no_instance_is_minus_one(void **state)
{
	(void)state;
	assert_int_equal(tracefs_lost_events("/nonexistent/instance"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cpu_and_every_kind_of_loss_counts),
		cmocka_unit_test(no_instance_is_minus_one),
	};

	return cmocka_run_group_tests(tests, make_root, remove_root);
}
