// SPDX-License-Identifier: MIT
/* test-needs: linux-kvm (tests/run.sh runs it where that is) */
/*
 * QEMU as the peer under real KVM (inside the nested rig where this host's
 * KVM emulates): one instance each of qemu-private and qemu-shared booting
 * Debian's cloud kernel through loadbench, one round (about 30 s in the
 * rig). Both reach linux_start_user and are sampled; qemu_init_end is the
 * first KVM_RUN taken from tracefs (kvm:kvm_entry), as qemu-boot-time takes
 * it; the guest's port write is seen by KVM (kvm:kvm_pio), so how late its
 * debugcon byte reached loadbench is measured; and the pages are what the
 * loaders say: qemu-private's copies are memfd (Shmem) pages of its own,
 * qemu-shared maps the kernel file itself (file pages).
 */
#include "../support/test_main.h"

#include "../support/raw_rows.h"
#include "../support/spawn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KERNEL "build/kernel/vmlinux"
#define INITRD "build/initrd.cpio"
#define RUN_TIMEOUT_S 400

static void check_row(const struct raw_rows *raw, unsigned r, double image_kb)
{
	const char *loader = raw_cell(raw, r, "loader");
	int64_t shmem = raw_num(raw, r, "Pss_Shmem_kb"), file = raw_num(raw, r, "Pss_File_kb");

	printf("# %s: qemu_init_end %.1f ms (%s), VM running arrived %.1f ms (lag %.3f ms), "
	       "linux_start_user %.1f ms (arrived %.3f ms after KVM's exit), USS %.1f MB, "
	       "Pss_Shmem %.1f MB, Pss_File %.1f MB; images %.1f MB\n",
	       loader, (double)raw_num(raw, r, "vmm_init_end_ns") / 1e6,
	       raw_cell(raw, r, "vmm_init_end_source"),
	       (double)raw_num(raw, r, "vm_running_ns") / 1e6,
	       (double)raw_num(raw, r, "vm_running_lag_ns") / 1e6,
	       (double)raw_num(raw, r, "linux_start_user_ns") / 1e6,
	       (double)raw_num(raw, r, "linux_start_user_lag_ns") / 1e6,
	       (double)raw_num(raw, r, "uss_kb") / 1024, (double)shmem / 1024, (double)file / 1024,
	       image_kb / 1024);
	assert_string_equal(raw_cell(raw, r, "status"), "ok");
	assert_true(raw_num(raw, r, "linux_start_user_ns") > 0);
	assert_true(raw_num(raw, r, "uss_kb") > 0);
	assert_string_equal(raw_cell(raw, r, "vmm_init_end_source"), "kvm_entry");
	assert_true(raw_num(raw, r, "vmm_init_end_ns") > 0);
	assert_true(raw_num(raw, r, "linux_start_user_exit_ns") > 0);
	assert_true(raw_num(raw, r, "linux_start_user_lag_ns") >= 0);
	if (strcmp(loader, "qemu-private") == 0) {
		assert_true((double)shmem >= 0.9 * image_kb);
	} else {
		assert_true((double)shmem < 0.1 * image_kb);
		assert_true((double)file >= 0.8 * image_kb);
	}
}

static void both_qemu_loaders_boot_under_kvm(void **state)
{
	const char *dir = test_path("qemu-kvm");
	const char *argv[] = { loadbench_path(),
			       "--vmm",
			       "qemu",
			       "--kernel",
			       KERNEL,
			       "--initrd",
			       INITRD,
			       "--instances",
			       "1",
			       "--rounds",
			       "1",
			       "--settle",
			       "0.2",
			       "--timeout",
			       "300",
			       "--kvm-mode",
			       "rig",
			       "--out",
			       dir,
			       "--quiet",
			       NULL };
	double image_kb = (double)(kernel_load_bytes(KERNEL) + file_bytes(INITRD)) / 1024.0;
	struct raw_rows raw;
	char path[512];

	(void)state;
	assert_true(image_kb > 0);
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), RUN_TIMEOUT_S), 0);
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	assert_int_equal(raw_rows_read(&raw, path), 0);
	assert_int_equal(raw.nr_rows, 2);
	for (unsigned r = 0; r < raw.nr_rows; r++)
		check_row(&raw, r, image_kb);
	raw_rows_free(&raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_qemu_loaders_boot_under_kvm),
	};

	require_kvm("rig/test_qemu_peer");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
