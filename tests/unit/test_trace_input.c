// SPDX-License-Identifier: MIT
/*
 * How trace points arrive, on lines captured from real runs: loadvm's JSON,
 * QEMU's debugcon bytes and trace log, and tracefs's kvm_entry / kvm_pio
 * lines as the nested rig's kernel (6.1) prints them.
 */
#include "../support/test_main.h"

#include "kvm_tracefs.h"
#include "trace_input.h"
#include "trace_port.h"

#include <string.h>

static void fresh(struct instance_result *res)
{
	memset(res, 0, sizeof(*res));
	for (int p = 0; p < NR_POINTS; p++)
		res->point_ns[p] = -1;
	res->vm_running_ns = res->vm_running_lag_ns = res->user_exit_ns = -1;
}

static void loadvm_json_keeps_the_first_of_each_point(void **state)
{
	struct instance_result res;

	(void)state;
	fresh(&res);
	trace_take_json(&res, "{\"name\":\"vmm_init_end\",\"value\":null,\"ns\":5000,\"source\":"
			      "\"vmm\"}");
	trace_take_json(&res, "{\"name\":\"linux_start_user\",\"value\":7,\"ns\":90000,"
			      "\"source\":\"port\"}");
	trace_take_json(&res, "{\"name\":\"linux_start_user\",\"value\":7,\"ns\":99999}");
	trace_take_json(&res, "{\"name\":\"linux_start_kernel\",\"value\":null,\"ns\":null,"
			      "\"source\":\"breakpoint\",\"missing\":true}");
	trace_take_json(&res, "{\"name\":\"tp_9\",\"value\":9,\"ns\":1}");
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 5000);
	assert_string_equal(res.point_source[POINT_VMM_INIT_END], "vmm");
	assert_int_equal(res.point_ns[POINT_LINUX_START_USER], 90000);
	assert_string_equal(res.point_source[POINT_LINUX_START_USER], "port");
	assert_int_equal(res.point_ns[POINT_LINUX_START_KERNEL], -1);
}

static void port_bytes_are_named_as_in_qemu_boot_time(void **state)
{
	struct instance_result res;

	(void)state;
	fresh(&res);
	trace_take_port_byte(&res, TP_LINUX_START_KERNEL, 1000);
	trace_take_port_byte(&res, 'A', 1500); /* stray bytes are not tabulated */
	trace_take_port_byte(&res, TP_LINUX_START_USER, 2000);
	trace_take_port_byte(&res, TP_LINUX_START_USER, 3000);
	assert_int_equal(res.point_ns[POINT_LINUX_START_KERNEL], 1000);
	assert_int_equal(res.point_ns[POINT_LINUX_START_USER], 2000);
	assert_string_equal(res.point_source[POINT_LINUX_START_USER], "port");
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], -1);
}

static void qemu_log_vm_running_with_its_stamp(void **state)
{
	struct instance_result res;

	(void)state;
	fresh(&res);
	/* Not the running transition: ignored. */
	trace_take_qemu_log(&res,
			    "113@1795677868.022896:vm_state_notify running 0 reason 11 "
			    "(shutdown)",
			    1, 1);
	assert_int_equal(res.vm_running_ns, -1);
	trace_take_qemu_log(&res,
			    "113@1795677868.022896:vm_state_notify running 1 reason 9 "
			    "(running)",
			    123456789, 1795677868022896000LL + 4430240);
	assert_int_equal(res.vm_running_ns, 123456789);
	assert_int_equal(res.vm_running_lag_ns, 4430240);
	/* The first one counts. */
	trace_take_qemu_log(&res,
			    "113@1795677869.000000:vm_state_notify running 1 reason 9 "
			    "(running)",
			    999999999, 1);
	assert_int_equal(res.vm_running_ns, 123456789);
	/* Until the round ends, qemu_init_end waits for a first KVM_RUN. */
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], -1);
	trace_finish_qemu(&res);
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 123456789);
	assert_string_equal(res.point_source[POINT_VMM_INIT_END], "vm_state");
}

static void qemu_log_without_timestamps_has_no_lag(void **state)
{
	struct instance_result res;

	(void)state;
	fresh(&res);
	trace_take_qemu_log(&res, "vm_state_notify running 1 reason 9 (running)", 42, 7);
	assert_int_equal(res.vm_running_ns, 42);
	assert_int_equal(res.vm_running_lag_ns, -1);
	trace_take_qemu_log(&res, "qemu-system-x86_64: terminating on signal 15", 43, 7);
	assert_int_equal(res.vm_running_ns, 42);
}

static void tracefs_lines_parse(void **state)
{
	struct kvm_trace_event ev;

	(void)state;
	assert_int_equal(kvm_trace_parse_line(" qemu-system-x86-130     [001] d..1.    47.554977: "
					      "kvm_entry: vcpu 0, rip 0xfff0",
					      &ev),
			 0);
	assert_int_equal(ev.kind, KVM_TRACE_ENTRY);
	assert_int_equal(ev.tid, 130);
	assert_int_equal(ev.mono_ns, 47554977000LL);
	/* QEMU names vCPU threads "CPU 0/KVM" with -name debug-threads=on. */
	assert_int_equal(kvm_trace_parse_line("       CPU 0/KVM-131     [000] .....    58.967259: "
					      "kvm_pio: pio_write at 0xf4 size 1 count 1 val 0x7 ",
					      &ev),
			 0);
	assert_int_equal(ev.kind, KVM_TRACE_PIO);
	assert_int_equal(ev.tid, 131);
	assert_int_equal(ev.value, 7);
	assert_int_equal(ev.mono_ns, 58967259000LL);
	/* Headers, other ports and other events are not ours. */
	assert_int_equal(kvm_trace_parse_line("#           TASK-PID     CPU#  |||||  TIMESTAMP  "
					      "FUNCTION",
					      &ev),
			 -1);
	assert_int_equal(kvm_trace_parse_line(" qemu-system-x86-131 [000] ..... 58.96: kvm_pio: "
					      "pio_write at 0x3f8 size 1 count 1 val 0x41 ",
					      &ev),
			 -1);
	assert_int_equal(kvm_trace_parse_line(" qemu-system-x86-131 [000] ..... 58.967259: "
					      "kvm_exit: vcpu 0 reason io rip 0x0",
					      &ev),
			 -1);
}

static void kvm_events_give_init_end_and_the_exit_of_the_user_byte(void **state)
{
	struct instance_result res;
	struct kvm_trace_event entry = { KVM_TRACE_ENTRY, 130, 47554977000LL, 0 };
	struct kvm_trace_event again = { KVM_TRACE_ENTRY, 130, 47555254000LL, 0 };
	struct kvm_trace_event user = { KVM_TRACE_PIO, 131, 58967259000LL, TP_LINUX_START_USER };
	int64_t zero = 46000000000LL;

	(void)state;
	fresh(&res);
	trace_take_kvm_event(&res, &entry, zero);
	trace_take_kvm_event(&res, &again, zero);
	trace_take_kvm_event(&res, &user, zero);
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 1554977000LL);
	assert_string_equal(res.point_source[POINT_VMM_INIT_END], "kvm_entry");
	assert_int_equal(res.user_exit_ns, 12967259000LL);
	/* The log's "VM running" no longer stands in. */
	res.vm_running_ns = 1500000000LL;
	trace_finish_qemu(&res);
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 1554977000LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loadvm_json_keeps_the_first_of_each_point),
		cmocka_unit_test(port_bytes_are_named_as_in_qemu_boot_time),
		cmocka_unit_test(qemu_log_vm_running_with_its_stamp),
		cmocka_unit_test(qemu_log_without_timestamps_has_no_lag),
		cmocka_unit_test(tracefs_lines_parse),
		cmocka_unit_test(kvm_events_give_init_end_and_the_exit_of_the_user_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
