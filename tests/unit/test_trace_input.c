// SPDX-License-Identifier: MIT
/*
 * How trace points arrive, on lines captured from real runs: loadvm's JSON,
 * QEMU's debugcon bytes and trace log (through its backend's ops); and how
 * tracefs's exec, first KVM_RUN and port writes then give every point the
 * seed's definition, and move QEMU's "VM running" with them.
 */
#include "../support/test_main.h"

#include "backend_qemu.h"
#include "kvm_tracefs.h"
#include "trace_input.h"
#include "trace_port.h"

#include <string.h>

#define fresh instance_result_clear

/* loadvm's main() ran 30 ms after our pre-exec stamp (exec, dynamic
 * linking): its points count from our zero, not from its main(). */
static void loadvm_json_counts_from_our_zero(void **state)
{
	const int64_t zero = 1000000000;
	struct instance_result res;

	(void)state;
	fresh(&res);
	trace_take_json(&res,
			"{\"name\":\"vmm_start\",\"value\":null,\"ns\":0,\"mono_ns\":1030000000,"
			"\"source\":\"vmm\"}",
			zero);
	trace_take_json(&res,
			"{\"name\":\"vmm_setup_done\",\"value\":null,\"ns\":5000,\"mono_ns\":"
			"1030005000,\"source\":\"vmm\"}",
			zero);
	trace_take_json(&res,
			"{\"name\":\"vmm_init_end\",\"value\":null,\"ns\":5100,\"mono_ns\":"
			"1030005100,\"source\":\"vmm\"}",
			zero);
	trace_take_json(&res,
			"{\"name\":\"linux_start_user\",\"value\":7,\"ns\":90000,\"mono_ns\":"
			"1030090000,\"source\":\"port\"}",
			zero);
	trace_take_json(&res,
			"{\"name\":\"linux_start_user\",\"value\":7,\"ns\":99999,\"mono_ns\":"
			"1030099999}",
			zero);
	trace_take_json(&res,
			"{\"name\":\"linux_start_kernel\",\"value\":null,\"ns\":null,"
			"\"source\":\"breakpoint\",\"missing\":true}",
			zero);
	/* Without its absolute stamp a point cannot be placed: not taken. */
	trace_take_json(&res, "{\"name\":\"load_done\",\"value\":null,\"ns\":100}", zero);
	trace_take_json(&res, "{\"name\":\"tp_9\",\"value\":9,\"ns\":1,\"mono_ns\":1}", zero);
	assert_int_equal(res.vmm_start_ns, 30000000);
	assert_int_equal(res.vmm_setup_done_ns, 30005000);
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 30005100);
	assert_string_equal(res.point_source[POINT_VMM_INIT_END], "vmm");
	assert_string_equal(res.point_timing[POINT_VMM_INIT_END], "vmm");
	assert_int_equal(res.point_ns[POINT_LINUX_START_USER], 30090000);
	assert_string_equal(res.point_source[POINT_LINUX_START_USER], "port");
	assert_int_equal(res.point_ns[POINT_LINUX_START_KERNEL], -1);
	assert_int_equal(res.point_ns[POINT_LOAD_DONE], -1);
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
	assert_string_equal(res.point_timing[POINT_LINUX_START_USER], "arrival");
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], -1);
}

static void qemu_log_vm_running_with_its_stamp(void **state)
{
	struct instance_result res;

	(void)state;
	fresh(&res);
	/* Not the running transition: ignored. */
	backend_qemu.log_line(&res,
			      "113@1795677868.022896:vm_state_notify running 0 reason 11 "
			      "(shutdown)",
			      1, 1);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING], -1);
	backend_qemu.log_line(&res,
			      "113@1795677868.022896:vm_state_notify running 1 reason 9 "
			      "(running)",
			      123456789, 1795677868022896000LL + 4430240);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING], 123456789);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING_LAG], 4430240);
	/* The first one counts. */
	backend_qemu.log_line(&res,
			      "113@1795677869.000000:vm_state_notify running 1 reason 9 "
			      "(running)",
			      999999999, 1);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING], 123456789);
	/* Until the round ends, qemu_init_end waits for a first KVM_RUN. */
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], -1);
	backend_qemu.finish(&res);
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 123456789);
	assert_string_equal(res.point_source[POINT_VMM_INIT_END], "vm_state");
}

static void qemu_log_without_timestamps_has_no_lag(void **state)
{
	struct instance_result res;

	(void)state;
	fresh(&res);
	backend_qemu.log_line(&res, "vm_state_notify running 1 reason 9 (running)", 42, 7);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING], 42);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING_LAG], -1);
	backend_qemu.log_line(&res, "qemu-system-x86_64: terminating on signal 15", 43, 7);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING], 42);
}

static void entry_filter_names_every_first_rip(void **state)
{
	const uint64_t rips[] = { 0x1000000, 0xfff0, 3, 4, 5 };
	char buf[256];

	(void)state;
	assert_int_equal(kvm_tracefs_entry_filter(buf, sizeof(buf), rips, 2), 0);
	assert_string_equal(buf, "vcpu_id == 0 && (rip == 0x1000000 || rip == 0xfff0)");
	assert_int_equal(kvm_tracefs_entry_filter(buf, sizeof(buf), rips, 1), 0);
	assert_string_equal(buf, "vcpu_id == 0 && (rip == 0x1000000)");
	/* Nothing to match, too many, or no room: refused, never cut short. */
	assert_int_equal(kvm_tracefs_entry_filter(buf, sizeof(buf), rips, 0), -1);
	assert_int_equal(kvm_tracefs_entry_filter(buf, sizeof(buf), rips, 5), -1);
	assert_int_equal(kvm_tracefs_entry_filter(buf, 30, rips, 2), -1);
}

static struct kvm_trace_event ev(enum kvm_trace_kind kind, int64_t ns, unsigned value)
{
	struct kvm_trace_event e = { kind, 130, ns, value };

	return e;
}

/* QEMU: its bytes arrive through a pipe, its "VM running" through its log,
 * both stamped by us from the pre-exec zero; tracefs saw the exec 4 ms
 * later, the first KVM_RUN and KVM's exit for each port write. */
static void tracefs_gives_the_seeds_definitions(void **state)
{
	const int64_t pre_exec = 46000000000LL, exec = 46004000000LL;
	struct instance_result res;
	struct tracefs_times times;
	struct kvm_trace_event events[] = {
		ev(KVM_TRACE_EXEC, exec, 0),
		ev(KVM_TRACE_ENTRY, 47554977000LL, 0),
		ev(KVM_TRACE_ENTRY, 47555254000LL, 0), /* not the first */
		ev(KVM_TRACE_PIO, 50000000000LL, TP_LINUX_START_KERNEL),
		ev(KVM_TRACE_PIO, 58967259000LL, TP_LINUX_START_USER),
		ev(KVM_TRACE_PIO, 59000000000LL, TP_LINUX_START_USER), /* not the first */
	};

	(void)state;
	fresh(&res);
	tracefs_times_clear(&times);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		trace_take_kvm_event(&times, &events[i]);
	trace_take_port_byte(&res, TP_LINUX_START_KERNEL, 4000100000LL);
	trace_take_port_byte(&res, TP_LINUX_START_USER, 13000000000LL);
	backend_qemu.log_line(&res, "vm_state_notify running 1 reason 9 (running)", 1500000000LL,
			      0);
	backend_qemu.finish(&res);
	assert_string_equal(res.point_source[POINT_VMM_INIT_END], "vm_state");
	trace_settle(&res, &backend_qemu, &times, pre_exec);

	assert_string_equal(res.time_zero, "exec");
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 1550977000LL);
	assert_string_equal(res.point_source[POINT_VMM_INIT_END], "kvm_entry");
	assert_string_equal(res.point_timing[POINT_VMM_INIT_END], "tracefs");
	assert_int_equal(res.point_ns[POINT_LINUX_START_KERNEL], 3996000000LL);
	assert_string_equal(res.point_timing[POINT_LINUX_START_KERNEL], "tracefs");
	assert_int_equal(res.point_ns[POINT_LINUX_START_USER], 12963259000LL);
	assert_int_equal(res.user_exit_ns, 12963259000LL);
	/* What the pipe brought, on the same zero: 32.7 ms late. */
	assert_int_equal(res.user_arrival_ns, 12996000000LL);
	assert_int_equal(res.vmm_values[QEMU_VM_RUNNING], 1496000000LL);
}

/* No exec seen (a lost event): tracefs's times count from our stamp. */
static void without_the_exec_the_pre_exec_zero_stays(void **state)
{
	struct instance_result res;
	struct tracefs_times times;
	struct kvm_trace_event entry = ev(KVM_TRACE_ENTRY, 2500, 0);

	(void)state;
	fresh(&res);
	tracefs_times_clear(&times);
	trace_take_kvm_event(&times, &entry);
	trace_take_json(&res,
			"{\"name\":\"vmm_init_end\",\"value\":null,\"ns\":1,\"mono_ns\":2400,"
			"\"source\":\"vmm\"}",
			1000);
	trace_settle(&res, &backend_loadvm, &times, 1000);
	assert_string_equal(res.time_zero, "pre_exec");
	assert_int_equal(res.point_ns[POINT_VMM_INIT_END], 1500);
	assert_string_equal(res.point_timing[POINT_VMM_INIT_END], "tracefs");
}

/* loadvm's load_done and a breakpoint's linux_start_kernel, its main() 0.5 ms
 * after our pre-exec stamp at 1000 ns. */
static void loadvm_breakpoint_run(struct instance_result *res)
{
	fresh(res);
	trace_take_json(res,
			"{\"name\":\"load_done\",\"value\":null,\"ns\":1,\"mono_ns\":1500,"
			"\"source\":\"vmm\"}",
			1000);
	trace_take_json(res,
			"{\"name\":\"linux_start_kernel\",\"value\":null,\"ns\":1,\"mono_ns\":"
			"8000,\"source\":\"breakpoint\"}",
			1000);
}

/* loadvm without tracefs: its own stamps, rebased; a breakpoint's point
 * is never replaced by a port write, and nothing comes before the exec. */
static void vmm_stamps_stay_where_tracefs_is_silent(void **state)
{
	struct instance_result res;
	struct tracefs_times times;
	struct kvm_trace_event exec = ev(KVM_TRACE_EXEC, 2000, 0);
	struct kvm_trace_event kernel = ev(KVM_TRACE_PIO, 9000, TP_LINUX_START_KERNEL);

	(void)state;
	tracefs_times_clear(&times);
	loadvm_breakpoint_run(&res);
	trace_settle(&res, &backend_loadvm, &times, 1000);
	assert_string_equal(res.time_zero, "pre_exec");
	assert_int_equal(res.point_ns[POINT_LOAD_DONE], 500);
	assert_string_equal(res.point_timing[POINT_LOAD_DONE], "vmm");

	loadvm_breakpoint_run(&res);
	trace_take_kvm_event(&times, &exec);
	trace_take_kvm_event(&times, &kernel);
	trace_settle(&res, &backend_loadvm, &times, 1000);
	assert_string_equal(res.time_zero, "exec");
	assert_int_equal(res.point_ns[POINT_LOAD_DONE], -1); /* before the exec */
	assert_int_equal(res.point_ns[POINT_LINUX_START_KERNEL], 6000);
	assert_string_equal(res.point_source[POINT_LINUX_START_KERNEL], "breakpoint");
	assert_string_equal(res.point_timing[POINT_LINUX_START_KERNEL], "vmm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loadvm_json_counts_from_our_zero),
		cmocka_unit_test(port_bytes_are_named_as_in_qemu_boot_time),
		cmocka_unit_test(qemu_log_vm_running_with_its_stamp),
		cmocka_unit_test(qemu_log_without_timestamps_has_no_lag),
		cmocka_unit_test(entry_filter_names_every_first_rip),
		cmocka_unit_test(tracefs_gives_the_seeds_definitions),
		cmocka_unit_test(without_the_exec_the_pre_exec_zero_stays),
		cmocka_unit_test(vmm_stamps_stay_where_tracefs_is_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
