// SPDX-License-Identifier: MIT
/* test-needs: kvm (tests/run.sh runs it where that is) */
/* loadvm boots the probe guest on this machine's /dev/kvm, with each loader:
 * the guest's own checks pass, trace points arrive in order, the VM ends
 * with the documented exit status. */
#include "../support/test_main.h"

#include "../support/elf_fixture.h"
#include "../support/spawn.h"
#include "signal_pid.h"
#include "../support/trace_file.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOOT_TIMEOUT_S 60
#define INITRD_BYTES (64 << 10)

static const char *initrd_sum;
static char cmdline[128];

static int setup(void **state)
{
	(void)state;
	initrd_sum = make_test_initrd(test_path("probe.initrd"), INITRD_BYTES);
	if (!initrd_sum)
		return -1;
	snprintf(cmdline, sizeof(cmdline), "probe.initrd_sum=%s", initrd_sum);
	return 0;
}

/* Boots the probe with --exit-after user; returns loadvm's exit status. */
static int boot_probe(const char *loader, const char *cmd, const char *exit_after)
{
	const char *argv[] = { loadvm_path(),
			       "--kernel",
			       probe_elf_path(),
			       "--initrd",
			       test_path("probe.initrd"),
			       "--cmdline",
			       cmd,
			       "--loader",
			       loader,
			       "--serial",
			       test_path("serial.txt"),
			       "--trace",
			       test_path("trace.jsonl"),
			       "--exit-after",
			       exit_after,
			       NULL };

	return run_cmd(argv, test_path("stdout.txt"), test_path("stderr.txt"), BOOT_TIMEOUT_S);
}

static void assert_file_contains(const char *path, const char *needle)
{
	char *text = slurp(path);

	assert_non_null(text);
	if (!strstr(text, needle))
		fail_msg("%s does not contain '%s'; it holds:\n%s", path, needle, text);
	free(text);
}

static void assert_points_in_order(const char *const names[], unsigned n)
{
	struct trace_file trace;
	uint64_t previous = 0;

	assert_true(trace_file_read(test_path("trace.jsonl"), &trace) >= (int)n);
	for (unsigned i = 0; i < n; i++) {
		int at = trace_file_find(&trace, names[i]);

		if (at < 0) {
			fail_msg("trace point %s missing", names[i]);
			return;
		}
		assert_true(trace.points[at].ns > previous);
		previous = trace.points[at].ns;
	}
}

static void boots_and_checks_itself(const char *loader)
{
	const char *const order[] = { "load_done", "vmm_init_end", "linux_start_kernel",
				      "linux_start_user" };

	assert_int_equal(boot_probe(loader, cmdline, "user"), 0);
	assert_file_contains(test_path("serial.txt"), "probe: ok");
	assert_points_in_order(order, 4);
}

static void copy_loader_boots_probe(void **state)
{
	(void)state;
	boots_and_checks_itself("copy");
}

static void mmap_loader_boots_probe(void **state)
{
	(void)state;
	boots_and_checks_itself("mmap");
}

static void boots_with_several_vcpus(void **state)
{
	const char *argv[] = { loadvm_path(),
			       "--kernel",
			       probe_elf_path(),
			       "--vcpus",
			       "4",
			       "--serial",
			       test_path("serial.txt"),
			       "--exit-after",
			       "user",
			       "--timeout",
			       "50",
			       NULL };

	(void)state;
	/* vCPUs 1-3 wait for a SIPI the probe never sends; vCPU 0 boots. */
	assert_int_equal(
		run_cmd(argv, test_path("stdout.txt"), test_path("stderr.txt"), BOOT_TIMEOUT_S), 0);
	assert_file_contains(test_path("serial.txt"), "probe: ok");
}

static void wrong_initrd_sum_makes_probe_fail(void **state)
{
	(void)state;
	assert_int_equal(boot_probe("mmap", "probe.initrd_sum=12345678", "user"), 0);
	assert_file_contains(test_path("serial.txt"), "probe: FAIL");
}

static void exit_after_load_stops_before_the_guest_runs(void **state)
{
	struct trace_file trace;

	(void)state;
	assert_int_equal(boot_probe("mmap", cmdline, "load"), 0);
	/* loadvm's main(), then the load: no set-up, no guest. */
	assert_int_equal(trace_file_read(test_path("trace.jsonl"), &trace), 2);
	assert_string_equal(trace.points[0].name, "vmm_start");
	assert_string_equal(trace.points[1].name, "load_done");
}

static void exit_after_kernel_stops_at_start_kernel(void **state)
{
	struct trace_file trace;

	(void)state;
	assert_int_equal(boot_probe("copy", cmdline, "kernel"), 0);
	/* vmm_start, load_done, vmm_setup_done, vmm_init_end, then the kernel's
	 * first port write, and nothing after it. */
	assert_int_equal(trace_file_read(test_path("trace.jsonl"), &trace), 5);
	assert_string_equal(trace.points[4].name, "linux_start_kernel");
	assert_int_equal(trace.points[4].value, 6);
	assert_int_equal(trace_file_find(&trace, "linux_start_user"), -1);
}

static void sigterm_ends_a_halted_guest_cleanly(void **state)
{
	const char *argv[] = { loadvm_path(),
			       "--kernel",
			       probe_elf_path(),
			       "--trace",
			       test_path("trace-term.jsonl"),
			       NULL };
	pid_t pid;

	(void)state;
	pid = spawn_cmd(argv, test_path("stdout.txt"), test_path("stderr.txt"));
	assert_true(
		wait_for_text(test_path("trace-term.jsonl"), "linux_start_user", BOOT_TIMEOUT_S));
	signal_pid(pid, SIGTERM);
	assert_int_equal(wait_cmd(pid, 10), 0);
}

static void timeout_exits_with_status_4(void **state)
{
	const char *argv[] = {
		loadvm_path(), "--kernel", probe_elf_path(), "--timeout", "0.5", NULL
	};

	(void)state;
	/* The probe halts forever after its checks: only the timeout ends it. */
	assert_int_equal(run_cmd(argv, test_path("stdout.txt"), test_path("stderr.txt"), 30), 4);
	assert_file_contains(test_path("stderr.txt"), "timeout");
}

static void triple_fault_exits_with_status_3(void **state)
{
	/* ud2 with no IDT: #UD, then #DF, then a triple fault. */
	static const uint8_t ud2[] = { 0x0f, 0x0b };
	struct elf_fixture f;
	const char *path = test_path("crash.elf");
	const char *argv[] = { loadvm_path(), "--kernel", path, "--timeout", "30", NULL };

	(void)state;
	elf_fixture_default(&f);
	f.code = ud2;
	f.code_len = sizeof(ud2);
	assert_int_equal(elf_fixture_write(&f, path), 0);
	assert_int_equal(run_cmd(argv, test_path("stdout.txt"), test_path("stderr.txt"), 60), 3);
	assert_file_contains(test_path("stderr.txt"), "guest crashed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_loader_boots_probe),
		cmocka_unit_test(mmap_loader_boots_probe),
		cmocka_unit_test(boots_with_several_vcpus),
		cmocka_unit_test(wrong_initrd_sum_makes_probe_fail),
		cmocka_unit_test(exit_after_load_stops_before_the_guest_runs),
		cmocka_unit_test(exit_after_kernel_stops_at_start_kernel),
		cmocka_unit_test(sigterm_ends_a_halted_guest_cleanly),
		cmocka_unit_test(timeout_exits_with_status_4),
		cmocka_unit_test(triple_fault_exits_with_status_3),
	};

	require_kvm("test_probe_boot");
	return cmocka_run_group_tests(tests, setup, NULL);
}
