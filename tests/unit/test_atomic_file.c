// SPDX-License-Identifier: MIT
/*
 * An output file is replaced only by a whole one: a commit renames the
 * temporary into place; a writer that failed (atomic_fail, as main.c does
 * when summary.json cannot be built) leaves the earlier file and no
 * temporary, and says why in one line.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "../support/stderr_capture.h"

#include "atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/kvmlb-atomic-XXXXXX";
static char path[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

/* How many entries dir holds, . and .. aside. */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void assert_file_holds(const char *want)
{
	char *got = slurp(path);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

struct write_call {
	struct atomic_file *af;
	const char *text;
	int fail_with; /* errno for atomic_fail, 0: none */
};

static int write_once(void *ctx)
{
	struct write_call *c = ctx;
	FILE *f = atomic_open(c->af, dir, "summary.json");

	if (!f)
		return -2;
	fputs(c->text, f);
	if (c->fail_with) {
		errno = c->fail_with;
		atomic_fail(c->af);
	}
	return atomic_commit(c->af);
}

static void failed_writer_leaves_the_earlier_file(void **state)
{
	/* One struct for all three writes, as main.c's write_outputs has. */
	struct atomic_file af = { 0 };
	struct write_call call = { &af, "{\"old\": 1}\n", 0 };
	char err[512];

	(void)state;
	assert_int_equal(capture_stderr(write_once, &call, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_file_holds("{\"old\": 1}\n");

	call.text = "{\"half";
	call.fail_with = ENOMEM;
	assert_int_equal(capture_stderr(write_once, &call, err, sizeof(err)), -1);
	assert_file_holds("{\"old\": 1}\n");
	assert_int_equal(entries(), 1); /* no temporary left */
	if (!strstr(err, "/summary.json: cannot write: Cannot allocate memory") ||
	    strchr(err, '\n') != err + strlen(err) - 1)
		fail_msg("not one line naming the file and the cause: %s", err);

	/* The failure is not carried over to the next file. */
	call.text = "{\"new\": 2}\n";
	call.fail_with = 0;
	assert_int_equal(capture_stderr(write_once, &call, err, sizeof(err)), 0);
	assert_file_holds("{\"new\": 2}\n");
	assert_int_equal(entries(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_writer_leaves_the_earlier_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
