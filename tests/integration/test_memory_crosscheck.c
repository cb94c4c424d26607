// SPDX-License-Identifier: MIT
/* test-needs: kvm (tests/run.sh runs it where that is) */
/*
 * Our smaps_rollup figures must equal what users cross-check them with:
 * libproc2 (procps' library, the same source) and smem (the seed's tool,
 * which sums /proc/PID/smaps itself). Two mmap probe instances and one
 * copy instance, halted after boot so their memory holds still.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "signal_pid.h"
#include "smaps.h"

#include <libproc2/pids.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NR_VMS 3
/* A bound for a hang, not a speed target: the probe boots in a second, but
 * in the rig on a loaded host one boot took over 60 s. */
#define BOOT_TIMEOUT_S 180

static pid_t pids[NR_VMS];

static int setup(void **state)
{
	static const char *const loaders[NR_VMS] = { "mmap", "mmap", "copy" };

	(void)state;
	sync_file(probe_elf_path());
	for (int i = 0; i < NR_VMS; i++) {
		char trace[32];

		snprintf(trace, sizeof(trace), "cross-%d.jsonl", i);
		const char *argv[] = { loadvm_path(), "--kernel", probe_elf_path(), "--loader",
				       loaders[i],    "--trace",  test_path(trace), NULL };

		pids[i] = spawn_cmd(argv, test_path("cross.out"), test_path("cross.err"));
		if (pids[i] < 0) {
			print_error("cannot start %s\n", loadvm_path());
			return -1;
		}
		if (!wait_for_text(test_path(trace), "linux_start_user", BOOT_TIMEOUT_S)) {
			print_error(
				"%s guest %d (%s) reached no linux_start_user in %d s; see %s\n",
				loadvm_path(), i, loaders[i], BOOT_TIMEOUT_S,
				test_path("cross.err"));
			return -1;
		}
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NR_VMS; i++) {
		signal_pid(pids[i], SIGTERM);
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
		struct pids_fetch *fetch;
		struct smaps_rollup ours;
		struct pids_stack *stack = NULL;

		/* Pss moves whenever another process maps or unmaps a shared page
		 * (a libc page, on a busy machine): compare only reads that a
		 * second read of ours, right after libproc2's, shows were stable. */
		for (int attempt = 0; attempt < 50; attempt++) {
			struct smaps_rollup again;

			assert_int_equal(smaps_read_pid(pids[i], &ours), 0);
			fetch = procps_pids_select(info, &pid, 1, PIDS_SELECT_PID);
			assert_non_null(fetch);
			stack = fetch->stacks[0];
			assert_int_equal(smaps_read_pid(pids[i], &again), 0);
			if (memcmp(ours.kb, again.kb, sizeof(ours.kb)) == 0)
				break;
			usleep(20000);
		}
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
#define SMEM_ATTEMPTS 5

/* USS and RSS, the figures that must match smem's exactly, for every VM. */
static bool read_ours(struct smaps_rollup ours[NR_VMS])
{
	for (int i = 0; i < NR_VMS; i++)
		if (smaps_read_pid(pids[i], &ours[i]) != 0)
			return false;
	return true;
}

static bool same_pages(const struct smaps_rollup a[NR_VMS], const struct smaps_rollup b[NR_VMS])
{
	for (int i = 0; i < NR_VMS; i++)
		if (smaps_uss_kb(&a[i]) != smaps_uss_kb(&b[i]) ||
		    a[i].kb[SMAPS_RSS] != b[i].kb[SMAPS_RSS])
			return false;
	return true;
}

/* smem's output, taken while our figures held still on both sides of it:
 * a VMM still touching a page or two (slowly, in the nested rig) would
 * otherwise make the two reads disagree for no fault of either. */
static char *smem_while_still(struct smaps_rollup ours[NR_VMS])
{
	const char *argv[] = {
		"/usr/bin/smem", "-H", "-c", "pid uss pss rss", "-P", "loadvm", NULL
	};
	struct smaps_rollup before[NR_VMS];

	for (int attempt = 0; attempt < SMEM_ATTEMPTS; attempt++) {
		assert_true(read_ours(before));
		assert_int_equal(run_cmd(argv, test_path("smem.out"), test_path("smem.err"), 30),
				 0);
		assert_true(read_ours(ours));
		if (same_pages(before, ours))
			return slurp(test_path("smem.out"));
		printf("# our figures moved during smem's read; again\n");
		sleep(1);
	}
	fail_msg("the VMs' memory never held still for %d smem reads", SMEM_ATTEMPTS);
	return NULL;
}

static void smem_agrees(void **state)
{
	struct smaps_rollup all[NR_VMS];
	char *text;

	(void)state;
	text = smem_while_still(all);
	assert_non_null(text);
	for (int i = 0; i < NR_VMS; i++) {
		const struct smaps_rollup ours = all[i];
		long uss = 0, pss = 0, rss = 0, mappings = count_mappings(pids[i]);

		if (smem_line(text, pids[i], &uss, &pss, &rss))
			fail_msg("smem did not list pid %d:\n%s", (int)pids[i], text);
		printf("# pid %d: smem USS %ld PSS %ld RSS %ld; ours USS %lld PSS %lld RSS %lld "
		       "Private_Clean %lld kB (%ld mappings)\n",
		       (int)pids[i], uss, pss, rss, (long long)smaps_uss_kb(&ours),
		       (long long)ours.kb[SMAPS_PSS], (long long)ours.kb[SMAPS_RSS],
		       (long long)ours.kb[SMAPS_PRIVATE_CLEAN], mappings);
		/* smem is python: while it reads, it maps libc and friends too, so a
		 * page of theirs that only this VMM had touched (Private_Clean) is
		 * Shared_Clean for that moment (seen in the rig, where few processes
		 * share the VMM's libraries: 12 kB). Only clean file pages can. */
		assert_true(uss <= smaps_uss_kb(&ours));
		assert_true(smaps_uss_kb(&ours) - uss <= ours.kb[SMAPS_PRIVATE_CLEAN]);
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

	require_kvm("test_memory_crosscheck");
	return cmocka_run_group_tests(tests, setup, teardown);
}
