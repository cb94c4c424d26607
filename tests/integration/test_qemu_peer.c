// SPDX-License-Identifier: MIT
/*
 * QEMU as the peer, on this host with TCG (QEMU with KVM hangs on an
 * emulating KVM; the rig test covers KVM): Debian's cloud kernel and the
 * 3 MiB initrd, 1 and 2 instances of qemu-private and qemu-shared, one
 * round (about 15 s). Every instance reaches linux_start_user and is
 * sampled, and the page accounting shows what each loader means:
 *
 *   qemu-private  its copies live on tmpfs and are mapped by it alone, so
 *                 they are Shmem pages counted whole in its Pss (Pss_Shmem
 *                 ~ kernel PT_LOAD bytes + initrd) and in its USS;
 *   qemu-shared   QEMU maps the files themselves: at N=2 the same bytes
 *                 sit in both processes as Shared_Clean page cache, outside
 *                 USS.
 *
 * Both see QEMU's own binary and libraries shared at N=2, so the checks
 * compare the two loaders rather than assume zero. Then the bad input
 * loadbench refuses before it starts anything.
 */
#include "../support/test_main.h"

#include "../support/raw_rows.h"
#include "../support/spawn.h"
#include "signal_pid.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KERNEL "build/kernel/vmlinux"
#define INITRD "build/initrd.cpio"
#define RUN_TIMEOUT_S 240
#define MIB (1024.0 * 1024.0)

static double image_kb; /* kernel PT_LOAD bytes + initrd, what QEMU maps and reads */

static int have_qemu(void)
{
	const char *argv[] = { "/bin/sh", "-c", "command -v qemu-system-x86_64", NULL };

	return run_cmd(argv, test_path("which.out"), test_path("which.err"), 10) == 0;
}

static int setup(void **state)
{
	(void)state;
	if (!have_qemu() || access(KERNEL, R_OK) || access(INITRD, R_OK)) {
		printf("# skipped: needs qemu-system-x86_64, " KERNEL " (make kernel) and " INITRD
		       " (make initrd)\n");
		exit(77);
	}
	sync_file(KERNEL);
	sync_file(INITRD);
	image_kb = (double)(kernel_load_bytes(KERNEL) + file_bytes(INITRD)) / 1024.0;
	return image_kb > 0 ? 0 : -1;
}

/* A fresh directory on /dev/shm for qemu-private's copies, or skip. */
static const char *make_private_dir(const char *name)
{
	static char path[2][256];
	static int next;
	char *p = path[next++ % 2];

	snprintf(p, sizeof(path[0]), "/dev/shm/loadbench-test-%d-%s", (int)getpid(), name);
	if (mkdir(p, 0700) != 0)
		skip();
	return p;
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

static int64_t shared_kb(const struct raw_rows *raw, unsigned row)
{
	return raw_num(raw, row, "Shared_Clean_kb") + raw_num(raw, row, "Shared_Dirty_kb");
}

/* USS without anonymous memory: file and shmem pages this process alone maps. */
static int64_t file_uss_kb(const struct raw_rows *raw, unsigned row)
{
	return raw_num(raw, row, "uss_kb") - raw_num(raw, row, "Anonymous_kb");
}

static double mean_of(const struct raw_rows *raw, const char *loader,
		      int64_t (*value)(const struct raw_rows *, unsigned))
{
	double sum = 0;
	int n = 0;

	for (unsigned r = 0; r < raw->nr_rows; r++)
		if (strcmp(raw_cell(raw, r, "loader"), loader) == 0 &&
		    raw_num(raw, r, "instances") == 2) {
			sum += (double)value(raw, r);
			n++;
		}
	assert_int_equal(n, 2);
	return sum / n;
}

static void every_instance_boots_and_is_sampled(const struct raw_rows *raw)
{
	assert_int_equal(raw->nr_rows, 6); /* (1 + 2) instances x 2 loaders */
	for (unsigned r = 0; r < raw->nr_rows; r++) {
		printf("# %s N=%s: vm running %.1f ms (lag %.3f ms), linux_start_user %.1f ms, USS "
		       "%.1f MB, Pss_Shmem %.1f MB, Shared %.1f MB\n",
		       raw_cell(raw, r, "loader"), raw_cell(raw, r, "instances"),
		       (double)raw_num(raw, r, "vm_running_ns") / 1e6,
		       (double)raw_num(raw, r, "vm_running_lag_ns") / 1e6,
		       (double)raw_num(raw, r, "linux_start_user_ns") / 1e6,
		       (double)raw_num(raw, r, "uss_kb") / 1024,
		       (double)raw_num(raw, r, "Pss_Shmem_kb") / 1024,
		       (double)shared_kb(raw, r) / 1024);
		assert_string_equal(raw_cell(raw, r, "status"), "ok");
		assert_string_equal(raw_cell(raw, r, "vmm"), "qemu");
		assert_true(raw_num(raw, r, "linux_start_user_ns") > 0);
		assert_true(raw_num(raw, r, "uss_kb") > 0);
		/* TCG has no KVM_RUN: QEMU's "VM running" line stands in. */
		assert_string_equal(raw_cell(raw, r, "vmm_init_end_source"), "vm_state");
		assert_true(raw_num(raw, r, "vmm_init_end_ns") > 0);
		assert_true(raw_num(raw, r, "vmm_init_end_ns") <
			    raw_num(raw, r, "linux_start_user_ns"));
	}
}

static void private_copies_are_private_and_shared_files_are_shared(const struct raw_rows *raw)
{
	double private_shared = mean_of(raw, "qemu-private", shared_kb);
	double shared_shared = mean_of(raw, "qemu-shared", shared_kb);
	double private_file_uss = mean_of(raw, "qemu-private", file_uss_kb);
	double shared_file_uss = mean_of(raw, "qemu-shared", file_uss_kb);

	printf("# N=2, kernel PT_LOAD + initrd %.1f MB: Shared_* qemu-private %.1f MB, "
	       "qemu-shared %.1f MB; USS - Anonymous qemu-private %.1f MB, qemu-shared %.1f MB\n",
	       image_kb / 1024, private_shared / 1024, shared_shared / 1024,
	       private_file_uss / 1024, shared_file_uss / 1024);
	for (unsigned r = 0; r < raw->nr_rows; r++) {
		if (strcmp(raw_cell(raw, r, "loader"), "qemu-private") != 0)
			continue;
		/* Whole in Pss: no other process maps a page of the copies. */
		assert_true((double)raw_num(raw, r, "Pss_Shmem_kb") >= 0.9 * image_kb);
		assert_true(raw_num(raw, r, "Private_Dirty_kb") >= raw_num(raw, r, "Pss_Shmem_kb"));
	}
	/* The images are what qemu-shared shares beyond what qemu-private does ... */
	assert_true(shared_shared - private_shared >= 0.8 * image_kb);
	/* ... and what qemu-private keeps to itself. */
	assert_true(private_file_uss - shared_file_uss >= 0.8 * image_kb);
}

static void tcg_run_of_both_qemu_loaders(void **state)
{
	const char *private_dir = make_private_dir("copies");
	const char *dir = test_path("qemu-tcg");
	const char *argv[] = { loadbench_path(),
			       "--vmm",
			       "qemu",
			       "--qemu-accel",
			       "tcg",
			       "--kernel",
			       KERNEL,
			       "--initrd",
			       INITRD,
			       "--instances",
			       "1,2",
			       "--rounds",
			       "1",
			       "--settle",
			       "0.2",
			       "--timeout",
			       "120",
			       "--out",
			       dir,
			       "--private-dir",
			       private_dir,
			       "--quiet",
			       NULL };
	struct raw_rows raw;
	char path[512], *tables, *json;

	(void)state;
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), RUN_TIMEOUT_S), 0);
	/* The copies went after their round. */
	assert_true(dir_is_empty(private_dir));
	rmdir(private_dir);
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	assert_int_equal(raw_rows_read(&raw, path), 0);
	every_instance_boots_and_is_sampled(&raw);
	private_copies_are_private_and_shared_files_are_shared(&raw);
	raw_rows_free(&raw);
	tables = slurp(test_path("qemu-tcg/tables.txt"));
	json = slurp(test_path("qemu-tcg/summary.json"));
	assert_non_null(strstr(tables, "qemu-private"));
	assert_non_null(strstr(tables, "accel tcg"));
	assert_non_null(strstr(tables, "vm_state_notify"));
	assert_non_null(strstr(json, "\"vmm\": \"qemu\""));
	assert_non_null(strstr(json, "\"accel\": \"tcg\""));
	assert_non_null(strstr(json, "\"arrival_ms\""));
	free(tables);
	free(json);
}

/* Interrupted mid-round, loadbench takes qemu-private's copies with it. */
static void interrupted_run_leaves_no_copies(void **state)
{
	const char *private_dir = make_private_dir("interrupted");
	const char *argv[] = { loadbench_path(),
			       "--vmm",
			       "qemu",
			       "--loaders",
			       "qemu-private",
			       "--qemu-accel",
			       "tcg",
			       "--kernel",
			       KERNEL,
			       "--initrd",
			       INITRD,
			       "--instances",
			       "1",
			       "--rounds",
			       "1",
			       "--timeout",
			       "60",
			       "--private-dir",
			       private_dir,
			       "--out",
			       test_path("qemu-int"),
			       "--quiet",
			       NULL };
	pid_t pid;

	(void)state;
	pid = spawn_cmd(argv, test_path("int.out"), test_path("int.err"));
	/* Until the copies are there, then a little into the boot. */
	for (int i = 0; i < 200 && dir_is_empty(private_dir); i++)
		usleep(20000);
	assert_false(dir_is_empty(private_dir));
	usleep(300000);
	signal_pid(pid, SIGINT);
	assert_int_equal(wait_cmd(pid, 20), 128 + SIGINT);
	assert_true(dir_is_empty(private_dir));
	rmdir(private_dir);
}

/* Exit 2, one line on stderr holding `expect`, and nothing started or written. */
static void refused(const char *const *argv, const char *expect)
{
	struct stat st;
	char *err;

	assert_int_equal(run_cmd(argv, test_path("bad.out"), test_path("bad.err"), 20), 2);
	err = slurp(test_path("bad.err"));
	assert_non_null(err);
	if (!strstr(err, expect) || strchr(err, '\n') != err + strlen(err) - 1)
		fail_msg("expected one line with '%s', got: %s", expect, err);
	assert_int_equal(stat(test_path("never"), &st), -1);
	free(err);
}

static void bad_input_is_refused_before_anything_runs(void **state)
{
	const char *lb = loadbench_path(), *out = test_path("never");
	const char *no_qemu[] = { "/usr/bin/env",
				  "PATH=/nonexistent",
				  lb,
				  "--vmm",
				  "qemu",
				  "--kernel",
				  KERNEL,
				  "--out",
				  out,
				  NULL };
	const char *bad_path[] = { lb,	       "--vmm", "qemu",	 "--qemu", "/nonexistent/qemu",
				   "--kernel", KERNEL,	"--out", out,	   NULL };
	const char *machine[] = { lb,	   "--vmm",    "qemu", "--qemu-machine",
				  "isapc", "--kernel", KERNEL, "--out",
				  out,	   NULL };
	const char *accel[] = { lb,	 "--vmm", "qemu", "--qemu-accel", "hvf", "--kernel", KERNEL,
				"--out", out,	  NULL };
	const char *vmm[] = { lb, "--vmm", "xen", "--kernel", KERNEL, "--out", out, NULL };
	const char *init_end[] = { lb,	   "--vmm",    "qemu", "--qemu-init-end",
				   "perf", "--kernel", KERNEL, "--out",
				   out,	   NULL };
	const char *twice[] = { lb, "--vmm", "qemu,qemu", "--kernel", KERNEL, "--out", out, NULL };
	const char *mismatch[] = { lb,	       "--vmm", "loadvm", "--loaders", "qemu-shared",
				   "--kernel", KERNEL,	"--out",  out,	       NULL };
	const char *not_elf[] = { lb, "--vmm", "qemu", "--kernel", INITRD, "--out", out, NULL };
	const char *not_tmpfs[] = { lb,	 "--vmm",    "qemu", "--private-dir",
				    "/", "--kernel", KERNEL, "--out",
				    out, NULL };

	(void)state;
	refused(no_qemu, "apt-get install qemu-system-x86");
	refused(bad_path, "qemu-system-x86");
	refused(machine, "expected pc, q35 or microvm");
	refused(accel, "expected kvm or tcg");
	refused(vmm, "expected loadvm and/or qemu");
	refused(init_end, "expected auto or vm_state_notify");
	refused(twice, "expected loadvm and/or qemu");
	refused(mismatch, "qemu-shared is a qemu loader");
	refused(not_elf, "not an ELF");
	refused(not_tmpfs, "not a writable tmpfs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input_is_refused_before_anything_runs),
		cmocka_unit_test(tcg_run_of_both_qemu_loaders),
		cmocka_unit_test(interrupted_run_leaves_no_copies),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
