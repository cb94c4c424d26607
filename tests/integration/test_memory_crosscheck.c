// SPDX-License-Identifier: MIT
/*
 * Our smaps_rollup figures must equal what users cross-check them with:
 * libproc2 (procps' library, the same source) and smem (the seed's tool,
 * which sums /proc/PID/smaps itself). Two mmap probe instances and one
 * copy instance, halted after boot so their memory holds still.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "smaps.h"

#include <libproc2/pids.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR_VMS 3
#define BOOT_TIMEOUT_S 60

static pid_t pids[NR_VMS];

static int setup(void **state)
{
	static const char *const loaders[NR_VMS] = { "mmap", "mmap", "copy" };

	(void)state;
	if (!have_kvm())
		return -1;
	sync_file(probe_elf_path());
	for (int i = 0; i < NR_VMS; i++) {
		char trace[32];

		snprintf(trace, sizeof(trace), "cross-%d.jsonl", i);
		const char *argv[] = { loadvm_path(), "--kernel", probe_elf_path(), "--loader",
				       loaders[i],    "--trace",  test_path(trace), NULL };

		pids[i] = spawn_cmd(argv, test_path("cross.out"), test_path("cross.err"));
		if (pids[i] < 0 ||
		    !wait_for_text(test_path(trace), "linux_start_user", BOOT_TIMEOUT_S))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NR_VMS; i++) {
		kill(pids[i], SIGTERM);
		wait_cmd(pids[i], 10);
	}
	return 0;
}

static void libproc2_agrees(void **state)
{
	enum pids_item items[] = { PIDS_SMAP_RSS, PIDS_SMAP_PSS, PIDS_SMAP_PRV_TOTAL,
				   PIDS_SMAP_SHR_CLEAN, PIDS_SMAP_PRV_DIRTY };
	struct pids_info *info = NULL;

	(void)state;
	assert_int_equal(procps_pids_new(&info, items, 5), 0);
	for (int i = 0; i < NR_VMS; i++) {
		unsigned pid = (unsigned)pids[i];
		struct pids_fetch *fetch = procps_pids_select(info, &pid, 1, PIDS_SELECT_PID);
		struct smaps_rollup ours;
		struct pids_stack *stack;

		assert_non_null(fetch);
		stack = fetch->stacks[0];
		assert_int_equal(smaps_read_pid(pids[i], &ours), 0);
		printf("# pid %d: ours Rss %lld Pss %lld USS %lld; libproc2 Rss %lu Pss %lu USS "
		       "%lu\n",
		       (int)pids[i], (long long)ours.kb[SMAPS_RSS], (long long)ours.kb[SMAPS_PSS],
		       (long long)smaps_uss_kb(&ours), PIDS_VAL(0, ul_int, stack, info),
		       PIDS_VAL(1, ul_int, stack, info), PIDS_VAL(2, ul_int, stack, info));
		assert_int_equal(ours.kb[SMAPS_RSS], PIDS_VAL(0, ul_int, stack, info));
		assert_int_equal(ours.kb[SMAPS_PSS], PIDS_VAL(1, ul_int, stack, info));
		assert_int_equal(smaps_uss_kb(&ours), PIDS_VAL(2, ul_int, stack, info));
		assert_int_equal(ours.kb[SMAPS_SHARED_CLEAN], PIDS_VAL(3, ul_int, stack, info));
		assert_int_equal(ours.kb[SMAPS_PRIVATE_DIRTY], PIDS_VAL(4, ul_int, stack, info));
	}
	procps_pids_unref(&info);
}

/* Mappings of a process: smem truncates each one's Pss to a whole kB. */
static long count_mappings(pid_t pid)
{
	char path[64], line[512];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strncmp(line, "Pss:", 4) == 0;
	fclose(f);
	return n;
}

/* smem's line for pid: "pid uss pss rss" in kB. */
static int smem_line(const char *text, pid_t pid, long *uss, long *pss, long *rss)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		long p;

		line += *line == '\n';
		if (sscanf(line, "%ld %ld %ld %ld", &p, uss, pss, rss) == 4 && p == pid)
			return 0;
	}
	return -1;
}

/*
 * smem sums /proc/PID/smaps mapping by mapping; smaps_rollup sums first.
 * USS and RSS are whole pages either way and must be equal. PSS moves
 * between the two reads: smem's own python maps libc and friends while it
 * reads, so every shared library page has one more sharer then, and smem
 * truncates each mapping's share to a kB. Both effects only lower smem's
 * figure, by less than 1% here.
 */
static void smem_agrees(void **state)
{
	const char *argv[] = {
		"/usr/bin/smem", "-H", "-c", "pid uss pss rss", "-P", "loadvm", NULL
	};
	char *text;

	(void)state;
	assert_int_equal(run_cmd(argv, test_path("smem.out"), test_path("smem.err"), 30), 0);
	text = slurp(test_path("smem.out"));
	assert_non_null(text);
	for (int i = 0; i < NR_VMS; i++) {
		struct smaps_rollup ours;
		long uss = 0, pss = 0, rss = 0, mappings = count_mappings(pids[i]);

		assert_int_equal(smaps_read_pid(pids[i], &ours), 0);
		if (smem_line(text, pids[i], &uss, &pss, &rss))
			fail_msg("smem did not list pid %d:\n%s", (int)pids[i], text);
		printf("# pid %d: smem USS %ld PSS %ld RSS %ld; ours USS %lld PSS %lld RSS %lld kB "
		       "(%ld mappings)\n",
		       (int)pids[i], uss, pss, rss, (long long)smaps_uss_kb(&ours),
		       (long long)ours.kb[SMAPS_PSS], (long long)ours.kb[SMAPS_RSS], mappings);
		assert_int_equal(uss, smaps_uss_kb(&ours));
		assert_int_equal(rss, ours.kb[SMAPS_RSS]);
		assert_true(pss <= ours.kb[SMAPS_PSS]);
		assert_true(ours.kb[SMAPS_PSS] - pss <= mappings + ours.kb[SMAPS_PSS] / 100);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libproc2_agrees),
		cmocka_unit_test(smem_agrees),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
