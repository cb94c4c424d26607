// SPDX-License-Identifier: MIT
/* test-needs: host-kvm: the nested rig's KVM delivers no guest-debug exits */
/*
 * The two ways to get linux_start_kernel checked against each other on
 * the same boot of the bench kernel (make bench-kernel), which both has
 * symbols and writes 6 to port 0xf4 as the first statement of
 * start_kernel(): the hardware breakpoint on start_kernel must come first
 * and within a few instructions of the port write.
 *
 * This runs on the host's own /dev/kvm, not in the rig: the rig's KVM
 * (nested SVM under TCG) never delivers guest-debug exits. An emulating
 * KVM reaches start_kernel in about half a second, and may stop the guest
 * later on an instruction it cannot emulate (status 3), which is no
 * concern of this test.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "../support/trace_file.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BENCH_KERNEL "build/kernel/bench-vmlinux"
#define BOUND_NS (5 * 1000 * 1000ULL) /* measured: 0.08 ms on an emulating KVM */

static int find(const struct trace_file *t, const char *name, const char *source)
{
	for (unsigned i = 0; i < t->count; i++)
		if (strcmp(t->points[i].name, name) == 0 &&
		    strcmp(t->points[i].source, source) == 0)
			return (int)i;
	return -1;
}

static void breakpoint_and_port_agree(void **state)
{
	const char *trace = test_path("crosscheck.jsonl");
	const char *argv[] = { loadvm_path(),
			       "--kernel",
			       BENCH_KERNEL,
			       "--initrd",
			       "build/initrd.cpio",
			       "--break-symbol",
			       "start_kernel",
			       "--trace",
			       trace,
			       "--timeout",
			       "30",
			       NULL };
	struct trace_file t;
	int status, bp, port, kernel_user;

	(void)state;
	status = run_cmd(argv, test_path("out.txt"), test_path("err.txt"), 60);
	assert_true(status == 0 || status == 3 || status == 4);
	assert_true(trace_file_read(trace, &t) >= 3);
	bp = find(&t, "linux_start_kernel", "breakpoint");
	port = find(&t, "linux_start_kernel", "port");
	if (bp < 0 || port < 0) {
		fail_msg("want linux_start_kernel from both the breakpoint and the port");
		return;
	}
	printf("# breakpoint %.3f ms, port write %.3f ms: %.3f ms apart\n",
	       (double)t.points[bp].ns / 1e6, (double)t.points[port].ns / 1e6,
	       (double)(t.points[port].ns - t.points[bp].ns) / 1e6);
	assert_true(t.points[bp].ns < t.points[port].ns);
	assert_true(t.points[port].ns - t.points[bp].ns < BOUND_NS);
	/* Port points come in boot order: 6 before any 7. */
	kernel_user = find(&t, "linux_start_user", "port");
	assert_true(kernel_user < 0 || kernel_user > port);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(breakpoint_and_port_agree),
	};

	require_kvm("test_breakpoint_crosscheck");
	if (access(BENCH_KERNEL, R_OK) != 0) {
		fprintf(stderr,
			"test_breakpoint_crosscheck: needs " BENCH_KERNEL " (make bench-kernel)\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
