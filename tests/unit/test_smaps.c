// SPDX-License-Identifier: MIT
/* smaps_rollup parsing on captured files: by field name, missing fields
 * reported as unknown, USS as smem computes it. */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "smaps.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void parse_fixture(const char *name, struct smaps_rollup *r, int expect)
{
	char path[256];
	char *text;

	snprintf(path, sizeof(path), "tests/fixtures/smaps/%s", name);
	text = slurp(path);
	assert_non_null(text);
	assert_int_equal(smaps_parse(text, r), expect);
	free(text);
}

static void current_kernel_fields(void **state)
{
	struct smaps_rollup r;

	(void)state;
	parse_fixture("linux-6.1-mmap-guest.txt", &r, 0);
	assert_int_equal(r.kb[SMAPS_RSS], 31508);
	assert_int_equal(r.kb[SMAPS_PSS], 17722);
	assert_int_equal(r.kb[SMAPS_PSS_ANON], 5284);
	assert_int_equal(r.kb[SMAPS_PSS_FILE], 12438);
	assert_int_equal(r.kb[SMAPS_PSS_SHMEM], 0);
	assert_int_equal(r.kb[SMAPS_SHARED_CLEAN], 26180);
	assert_int_equal(r.kb[SMAPS_PRIVATE_CLEAN], 8);
	assert_int_equal(r.kb[SMAPS_PRIVATE_DIRTY], 5284);
	assert_int_equal(smaps_uss_kb(&r), 5292);
}

static void older_kernel_lacks_the_pss_split(void **state)
{
	struct smaps_rollup r;

	(void)state;
	parse_fixture("linux-4.14-no-pss-split.txt", &r, 0);
	assert_int_equal(r.kb[SMAPS_PSS], 74310);
	assert_int_equal(r.kb[SMAPS_PSS_ANON], -1);
	assert_int_equal(r.kb[SMAPS_PSS_FILE], -1);
	assert_int_equal(r.kb[SMAPS_PSS_SHMEM], -1);
	assert_int_equal(smaps_uss_kb(&r), 74252);
}

static void other_files_are_refused(void **state)
{
	struct smaps_rollup r;

	(void)state;
	parse_fixture("not-smaps.txt", &r, -1);
	assert_int_equal(smaps_parse("", &r), -1);
	/* A prefix of a field name is not that field. */
	assert_int_equal(smaps_parse("Pss_Dirty: 12 kB\nRss: 40 kB\n", &r), 0);
	assert_int_equal(r.kb[SMAPS_PSS], -1);
	assert_int_equal(smaps_uss_kb(&r), -1);
}

static void malformed_values_are_unknown(void **state)
{
	struct smaps_rollup r;

	(void)state;
	assert_int_equal(smaps_parse("Rss: lots kB\nPss: -3 kB\nShared_Clean: 7 pages\n", &r), -1);
	assert_int_equal(r.kb[SMAPS_SHARED_CLEAN], -1);
}

static void live_process_reads(void **state)
{
	struct smaps_rollup r;

	(void)state;
	assert_int_equal(smaps_read_pid(getpid(), &r), 0);
	assert_true(r.kb[SMAPS_RSS] > 0);
	assert_true(r.kb[SMAPS_PSS] <= r.kb[SMAPS_RSS]);
	assert_int_equal(smaps_read_pid(999999999, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(current_kernel_fields),
		cmocka_unit_test(older_kernel_lacks_the_pss_split),
		cmocka_unit_test(other_files_are_refused),
		cmocka_unit_test(malformed_values_are_unknown),
		cmocka_unit_test(live_process_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
