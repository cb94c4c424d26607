// SPDX-License-Identifier: MIT
/*
 * QEMU as the peer, on this host with TCG (QEMU with KVM hangs on an
 * emulating KVM; the rig test covers KVM): Debian's cloud kernel and the
 * 3 MiB initrd, 1 and 2 instances of qemu-private and qemu-shared, one
 * round (about 15 s). Every instance reaches linux_start_user and is
 * sampled, and the page accounting shows what each loader means:
 *
 *   qemu-private  its copies are memfds (shmem) that it alone holds and
 *                 maps, so they are Shmem pages counted whole in its Pss
 *                 (Pss_Shmem ~ kernel PT_LOAD bytes + initrd) and in its USS;
 *   qemu-shared   QEMU maps the files themselves: at N=2 the same bytes
 *                 sit in both processes as Shared_Clean page cache, outside
 *                 USS.
 *
 * Both see QEMU's own binary and libraries shared at N=2, so the checks
 * compare the two loaders rather than assume zero. A qemu-private run
 * killed mid-boot (SIGKILL, SIGINT) leaves no copy anywhere: while it ran,
 * QEMU alone held the copies (its fds 5 and 6, "/memfd:" links) and mapped
 * them; afterwards QEMU is gone and nothing was written to /dev/shm, /tmp
 * or $TMPDIR. A copy that cannot be made is the instance's launch_failed,
 * with the reason. Then the bad input loadbench refuses before it starts
 * anything.
 */
#include "../support/test_main.h"

#include "../support/raw_rows.h"
#include "../support/spawn.h"
#include "signal_pid.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
			       "--quiet",
			       NULL };
	struct raw_rows raw;
	char path[512], *tables, *json;

	(void)state;
	assert_int_equal(run_cmd(argv, test_path("lb.out"), test_path("lb.err"), RUN_TIMEOUT_S), 0);
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

/* The process pid's fd (a -1 fd: its executable) points to, "" if unreadable. */
static const char *proc_link(pid_t pid, int fd)
{
	static char target[256];
	char path[64];
	ssize_t len;

	if (fd < 0)
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	len = readlink(path, target, sizeof(target) - 1);
	target[len > 0 ? len : 0] = '\0';
	return target;
}

/* Field 3 (state) and 4 (ppid) of /proc/pid/stat; 0 if it is gone. */
static int proc_state(pid_t pid, pid_t *ppid)
{
	char path[64], line[512], *close_paren, state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f) && (close_paren = strrchr(line, ')')) &&
	    sscanf(close_paren + 1, " %c %d", &state, ppid) != 2)
		state = 0;
	fclose(f);
	return state;
}

/* pid's command line holds the argument pair option value. */
static int has_args(pid_t pid, const char *option, const char *value)
{
	char path[64], args[8192];
	size_t len, olen = strlen(option) + 1, vlen = strlen(value) + 1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	len = fread(args, 1, sizeof(args), f);
	fclose(f);
	for (size_t at = 0; at + olen + vlen <= len; at += strlen(args + at) + 1)
		if (memcmp(args + at, option, olen) == 0 &&
		    memcmp(args + at + olen, value, vlen) == 0)
			return 1;
	return 0;
}

/* loadbench's child once it is the instance's QEMU (exec'd; not the
 * `qemu-system-x86_64 --version` it asks first), or 0 after timeout_s. */
static pid_t qemu_child(pid_t parent, double timeout_s)
{
	for (int tries = 0; tries < timeout_s * 50; tries++, usleep(20000)) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		pid_t found = 0, ppid = 0;

		assert_non_null(d);
		while (!found && (e = readdir(d)) != NULL) {
			pid_t pid = (pid_t)atoi(e->d_name);

			if (pid > 0 && proc_state(pid, &ppid) && ppid == parent &&
			    strstr(proc_link(pid, -1), "qemu-system-x86_64") &&
			    has_args(pid, "-accel", "tcg"))
				found = pid;
		}
		closedir(d);
		if (found)
			return found;
	}
	return 0;
}

/* How many of pid's fds are qemu-private's memfds. */
static int memfd_copies(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' &&
		    strncmp(proc_link(pid, atoi(e->d_name)), "/memfd:loadbench-", 17) == 0)
			n++;
	closedir(d);
	return n;
}

/* pid's address space maps a file whose name holds needle, within timeout_s. */
static int maps_within(pid_t pid, const char *needle, double timeout_s)
{
	char path[64], *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	for (int tries = 0; tries < timeout_s * 50; tries++, usleep(20000)) {
		int found = (maps = slurp(path)) != NULL && strstr(maps, needle) != NULL;

		free(maps);
		if (found)
			return 1;
	}
	return 0;
}

static int entry_exists(const char *dir, pid_t pid)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/loadbench-%d", dir, (int)pid);
	return stat(path, &st) == 0;
}

/* The loadbench a failed check would leave running, for stop_loadbench. */
static pid_t running_loadbench;

static int stop_loadbench(void **state)
{
	(void)state;
	if (running_loadbench > 0) {
		signal_pid(running_loadbench, SIGKILL);
		wait_cmd(running_loadbench, 10);
	}
	running_loadbench = 0;
	return 0;
}

/* loadbench killed by sig mid-boot of a qemu-private instance. The copies
 * were held by QEMU alone, and went with it. */
static void killed_run_leaves_no_copies(int sig)
{
	const char *tmpdir = test_path(sig == SIGKILL ? "tmpdir-kill" : "tmpdir-int");
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
			       "--out",
			       test_path(sig == SIGKILL ? "qemu-kill" : "qemu-int"),
			       "--quiet",
			       NULL };
	pid_t pid, qemu, ppid;
	int parent_copies = -1, state;

	assert_int_equal(mkdir(tmpdir, 0700), 0);
	assert_int_equal(setenv("TMPDIR", tmpdir, 1), 0);
	pid = running_loadbench = spawn_cmd(argv, test_path("kill.out"), test_path("kill.err"));
	unsetenv("TMPDIR");
	qemu = qemu_child(pid, 30);
	if (!qemu)
		fail_msg("no QEMU child of loadbench within 30 s");
	/* QEMU's -kernel and -initrd are its fds 5 and 6: the memfds. */
	assert_true(has_args(qemu, "-kernel", "/proc/self/fd/5"));
	assert_true(has_args(qemu, "-initrd", "/proc/self/fd/6"));
	assert_non_null(strstr(proc_link(qemu, 5), "/memfd:loadbench-kernel"));
	assert_non_null(strstr(proc_link(qemu, 6), "/memfd:loadbench-initrd"));
	/* It maps them (its Pss counts them), and loadbench holds none. */
	assert_true(maps_within(qemu, "/memfd:loadbench-kernel", 20));
	for (int i = 0; i < 100 && (parent_copies = memfd_copies(pid)) != 0; i++)
		usleep(20000);
	assert_int_equal(parent_copies, 0);
	signal_pid(pid, sig);
	running_loadbench = 0;
	assert_int_equal(wait_cmd(pid, 20), 128 + sig);
	/* QEMU dies with loadbench (PR_SET_PDEATHSIG), and its memfds with it. */
	for (int i = 0; i < 500 && (state = proc_state(qemu, &ppid)) != 0 && state != 'Z'; i++)
		usleep(20000);
	assert_true(state == 0 || state == 'Z');
	assert_true(dir_is_empty(tmpdir));
	assert_false(entry_exists("/dev/shm", pid));
	assert_false(entry_exists("/tmp", pid));
	rmdir(tmpdir);
}

static void sigkilled_run_leaves_no_copies(void **state)
{
	(void)state;
	killed_run_leaves_no_copies(SIGKILL);
}

static void interrupted_run_leaves_no_copies(void **state)
{
	(void)state;
	killed_run_leaves_no_copies(SIGINT);
}

/* A copy that cannot be made (here: larger than RLIMIT_FSIZE, with SIGXFSZ
 * ignored, so the write fails with EFBIG) fails the instance's launch with
 * the reason; QEMU is never started. */
static void failed_copy_is_launch_failed(void **state)
{
	const char *dir = test_path("qemu-fsize");
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
			       "--out",
			       dir,
			       "--quiet",
			       NULL };
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
	struct rlimit old, small;
	struct raw_rows raw;
	char path[512];
	int status;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 8 << 20; /* the initrd (3 MiB) fits, the kernel does not */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	status = run_cmd(argv, test_path("fsize.out"), test_path("fsize.err"), 60);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);
	printf("# loadbench exit %d\n", status);
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	assert_int_equal(raw_rows_read(&raw, path), 0);
	assert_int_equal(raw.nr_rows, 1);
	printf("# reason: %s\n", raw_cell(&raw, 0, "reason"));
	assert_string_equal(raw_cell(&raw, 0, "status"), "launch_failed");
	assert_string_equal(raw_cell(&raw, 0, "reason"),
			    "qemu-private: " KERNEL " (copy into its memfd): File too large");
	raw_rows_free(&raw);
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input_is_refused_before_anything_runs),
		cmocka_unit_test(tcg_run_of_both_qemu_loaders),
		cmocka_unit_test_teardown(sigkilled_run_leaves_no_copies, stop_loadbench),
		cmocka_unit_test_teardown(interrupted_run_leaves_no_copies, stop_loadbench),
		cmocka_unit_test(failed_copy_is_launch_failed),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
