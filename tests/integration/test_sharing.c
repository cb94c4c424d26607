// SPDX-License-Identifier: MIT
/* test-needs: kvm (tests/run.sh runs it where that is) */
/*
 * Page sharing, measured the way users will: two concurrent instances past
 * linux_start_user, read through /proc/PID/smaps_rollup. With mmap the
 * probe's read-only part stays shared page-cache pages; with copy each VM
 * holds its own private copy.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "signal_pid.h"
#include "guest_layout.h"
#include "kernel_image.h"
#include "log.h"
#include "smaps.h"

#include <signal.h>
#include <stdio.h>

#define BOOT_TIMEOUT_S 60
#define INSTANCES 2

static int64_t read_only_kb;

static int setup(void **state)
{
	const struct image_limits limits = { GUEST_RAM_MAX, BOOT_DATA_END };
	struct kernel_image image;

	(void)state;
	/* The probe links its read-only part (text, rodata, blob) first. */
	if (kernel_image_open(&image, probe_elf_path(), &limits))
		return -1;
	read_only_kb = (int64_t)(image.segments[0].file_size >> 10);
	kernel_image_close(&image);
	sync_file(probe_elf_path());
	return 0;
}

struct instance {
	pid_t pid;
	char trace[320];
	struct smaps_rollup rollup;
};

static void start_booted_instances(const char *loader, struct instance *vms)
{
	for (int i = 0; i < INSTANCES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "share-%s-%d.jsonl", loader, i);
		snprintf(vms[i].trace, sizeof(vms[i].trace), "%s", test_path(name));
		const char *argv[] = { loadvm_path(), "--kernel", probe_elf_path(), "--loader",
				       loader,	      "--trace",  vms[i].trace,	    NULL };

		vms[i].pid = spawn_cmd(argv, test_path("share.out"), test_path("share.err"));
		assert_true(vms[i].pid > 0);
	}
	for (int i = 0; i < INSTANCES; i++)
		assert_true(wait_for_text(vms[i].trace, "linux_start_user", BOOT_TIMEOUT_S));
	for (int i = 0; i < INSTANCES; i++)
		assert_int_equal(smaps_read_pid(vms[i].pid, &vms[i].rollup), 0);
}

static void stop_instances(struct instance *vms)
{
	for (int i = 0; i < INSTANCES; i++) {
		signal_pid(vms[i].pid, SIGTERM);
		assert_int_equal(wait_cmd(vms[i].pid, 10), 0);
	}
}

static void print_rollup(const char *loader, int i, const struct smaps_rollup *r)
{
	printf("# %s instance %d: Rss %lld kB, Pss %lld kB, Shared_Clean %lld kB, "
	       "Private_Dirty %lld kB, USS %lld kB (read-only part %lld kB)\n",
	       loader, i, (long long)r->kb[SMAPS_RSS], (long long)r->kb[SMAPS_PSS],
	       (long long)r->kb[SMAPS_SHARED_CLEAN], (long long)r->kb[SMAPS_PRIVATE_DIRTY],
	       (long long)smaps_uss_kb(r), (long long)read_only_kb);
}

static void mmap_instances_share_the_read_only_part(void **state)
{
	struct instance vms[INSTANCES];

	(void)state;
	start_booted_instances("mmap", vms);
	for (int i = 0; i < INSTANCES; i++) {
		const struct smaps_rollup *r = &vms[i].rollup;

		print_rollup("mmap", i, r);
		assert_true(r->kb[SMAPS_SHARED_CLEAN] >= read_only_kb * 9 / 10);
		assert_true(r->kb[SMAPS_RSS] - r->kb[SMAPS_PSS] >= read_only_kb * 4 / 10);
	}
	stop_instances(vms);
}

static void copy_instances_keep_private_copies(void **state)
{
	struct instance vms[INSTANCES];

	(void)state;
	start_booted_instances("copy", vms);
	for (int i = 0; i < INSTANCES; i++) {
		const struct smaps_rollup *r = &vms[i].rollup;

		print_rollup("copy", i, r);
		assert_true(r->kb[SMAPS_PRIVATE_DIRTY] >= read_only_kb * 9 / 10);
		assert_true(r->kb[SMAPS_SHARED_CLEAN] < read_only_kb / 2);
		assert_true(r->kb[SMAPS_RSS] - r->kb[SMAPS_PSS] < read_only_kb / 2);
	}
	stop_instances(vms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mmap_instances_share_the_read_only_part),
		cmocka_unit_test(copy_instances_keep_private_copies),
	};

	log_set_program("test_sharing");
	require_kvm("test_sharing");
	return cmocka_run_group_tests(tests, setup, NULL);
}
