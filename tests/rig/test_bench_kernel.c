// SPDX-License-Identifier: MIT
/* test-needs: linux-kvm (tests/run.sh runs it where that is) */
/*
 * The bench kernel (make bench-kernel: Debian's linux-source-6.1, a small
 * PVH config, our trace-point patch) booted by loadvm under real KVM with
 * each loader: linux_start_kernel (6) and linux_start_user (7) arrive from
 * the port, in that order, and init reaches the console.
 */
#include "../support/test_main.h"

#include "../support/spawn.h"
#include "../support/trace_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_KERNEL "build/kernel/bench-vmlinux"

static void boots_with_trace_points_in_order(const char *loader)
{
	const char *argv[] = { loadvm_path(),
			       "--kernel",
			       BENCH_KERNEL,
			       "--initrd",
			       "build/initrd.cpio",
			       "--cmdline",
			       "init.exit=1",
			       "--loader",
			       loader,
			       "--serial",
			       test_path("serial.txt"),
			       "--trace",
			       test_path("trace.jsonl"),
			       "--timeout",
			       "170",
			       NULL };
	struct trace_file t;
	int kernel = -1, user = -1;
	char *serial;

	assert_int_equal(run_cmd(argv, test_path("out.txt"), test_path("err.txt"), 180), 0);
	assert_true(trace_file_read(test_path("trace.jsonl"), &t) >= 4);
	for (unsigned i = 0; i < t.count; i++) {
		if (kernel < 0 && t.points[i].value == 6)
			kernel = (int)i;
		if (user < 0 && t.points[i].value == 7)
			user = (int)i;
	}
	if (kernel < 0 || user < 0) {
		fail_msg("want port points 6 and 7");
		return;
	}
	assert_true(t.points[kernel].ns < t.points[user].ns);
	serial = slurp(test_path("serial.txt"));
	assert_non_null(strstr(serial, "init: reached user space"));
	printf("# bench kernel, %s: linux_start_kernel %.1f ms, linux_start_user %.1f ms\n", loader,
	       (double)t.points[kernel].ns / 1e6, (double)t.points[user].ns / 1e6);
	free(serial);
}

static void copy_loader(void **state)
{
	(void)state;
	boots_with_trace_points_in_order("copy");
}

static void mmap_loader(void **state)
{
	(void)state;
	boots_with_trace_points_in_order("mmap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_loader),
		cmocka_unit_test(mmap_loader),
	};

	require_kvm("test_bench_kernel");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
