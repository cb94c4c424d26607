// SPDX-License-Identifier: MIT
/* smaps_rollup parsing on captured files: by field name, every field the
 * kernel prints, missing fields reported as unknown, USS as smem computes
 * it, swapped-out pages flagged. */
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
	assert_int_equal(r.kb[SMAPS_KSM], 0);
	assert_int_equal(smaps_uss_kb(&r), 5292);
	assert_int_equal(smaps_swapped(&r), 0);
}

/* Linux 6.1's layout (fs/proc/task_mmu.c, __show_smap in rollup mode: no
 * KSM line yet), with a value in each field that no other field has, so a
 * field read into another's place fails. */
static void every_field_of_linux_6_1(void **state)
{
	static const int64_t want[SMAPS_NR_FIELDS] = {
		[SMAPS_RSS] = 24312,
		[SMAPS_PSS] = 11840,
		[SMAPS_PSS_DIRTY] = 3924,
		[SMAPS_PSS_ANON] = 3912,
		[SMAPS_PSS_FILE] = 7916,
		[SMAPS_PSS_SHMEM] = 12,
		[SMAPS_SHARED_CLEAN] = 19984,
		[SMAPS_SHARED_DIRTY] = 16,
		[SMAPS_PRIVATE_CLEAN] = 412,
		[SMAPS_PRIVATE_DIRTY] = 3900,
		[SMAPS_REFERENCED] = 23876,
		[SMAPS_ANONYMOUS] = 3912,
		[SMAPS_KSM] = -1,
		[SMAPS_LAZYFREE] = 64,
		[SMAPS_ANON_HUGE_PAGES] = 2048,
		[SMAPS_SHMEM_PMD_MAPPED] = 0,
		[SMAPS_FILE_PMD_MAPPED] = 0,
		[SMAPS_SHARED_HUGETLB] = 0,
		[SMAPS_PRIVATE_HUGETLB] = 0,
		[SMAPS_SWAP] = 1836,
		[SMAPS_SWAP_PSS] = 1721,
		[SMAPS_LOCKED] = 4,
	};
	struct smaps_rollup r;

	(void)state;
	parse_fixture("linux-6.1-swapped.txt", &r, 0);
	for (int f = 0; f < SMAPS_NR_FIELDS; f++) {
		if (r.kb[f] != want[f])
			fail_msg("%s: %lld kB, want %lld", smaps_field_name(f), (long long)r.kb[f],
				 (long long)want[f]);
	}
	assert_int_equal(smaps_uss_kb(&r), 4312);
	assert_int_equal(smaps_swapped(&r), 1);
}

/* The names are the kernel's, each once: a typo would leave a field at -1
 * on every kernel. */
static void field_names_are_the_kernels(void **state)
{
	char line[64];
	struct smaps_rollup r;

	(void)state;
	for (int f = 0; f < SMAPS_NR_FIELDS; f++) {
		snprintf(line, sizeof(line), "Rss: 1 kB\n%s: %d kB\n", smaps_field_name(f),
			 1000 + f);
		assert_int_equal(smaps_parse(line, &r), 0);
		if (f != SMAPS_RSS)
			assert_int_equal(r.kb[f], 1000 + f);
		for (int g = 0; g < f; g++)
			assert_string_not_equal(smaps_field_name(f), smaps_field_name(g));
	}
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
	assert_int_equal(r.kb[SMAPS_PSS_DIRTY], -1);
	assert_int_equal(r.kb[SMAPS_FILE_PMD_MAPPED], -1);
	assert_int_equal(r.kb[SMAPS_KSM], -1);
	assert_int_equal(r.kb[SMAPS_SWAP_PSS], 0);
	assert_int_equal(smaps_uss_kb(&r), 74252);
	assert_int_equal(smaps_swapped(&r), 0);
}

static void other_files_are_refused(void **state)
{
	struct smaps_rollup r;

	(void)state;
	parse_fixture("not-smaps.txt", &r, -1);
	assert_int_equal(smaps_parse("", &r), -1);
	/* A prefix of a field name is not that field. */
	assert_int_equal(smaps_parse("Pss_Dirty: 12 kB\nRss: 40 kB\nSwapPss: 3 kB\n", &r), 0);
	assert_int_equal(r.kb[SMAPS_PSS_DIRTY], 12);
	assert_int_equal(r.kb[SMAPS_PSS], -1);
	assert_int_equal(r.kb[SMAPS_SWAP_PSS], 3);
	assert_int_equal(smaps_uss_kb(&r), -1);
	/* No Swap line: whether pages are swapped out is unknown. */
	assert_int_equal(smaps_swapped(&r), -1);
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
	assert_true(smaps_swapped(&r) >= 0); /* every smaps_rollup has Swap */
	assert_int_equal(smaps_read_pid(999999999, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(current_kernel_fields),
		cmocka_unit_test(every_field_of_linux_6_1),
		cmocka_unit_test(field_names_are_the_kernels),
		cmocka_unit_test(older_kernel_lacks_the_pss_split),
		cmocka_unit_test(other_files_are_refused),
		cmocka_unit_test(malformed_values_are_unknown),
		cmocka_unit_test(live_process_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
