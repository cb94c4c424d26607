// SPDX-License-Identifier: MIT
/* QEMU's trace log ("vm_state_notify running 1" on fd 4), and the figures
 * only QEMU has: when "VM running" arrived, how late, and what that says
 * about its port bytes stamped on arrival. */
#include "backend_qemu.h"

#include "trace_input.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* raw.csv's columns, which it has had since QEMU became a peer. */
const struct vmm_value qemu_values[NR_QEMU_VALUES] = {
	[QEMU_VM_RUNNING] = { "vm_running_ns", VMM_VALUE_TIME },
	[QEMU_VM_RUNNING_LAG] = { "vm_running_lag_ns", VMM_VALUE_LAG },
};

void qemu_log_line(struct instance_result *res, const char *line, int64_t arrival_ns,
		   int64_t arrival_real_ns)
{
	unsigned long long sec, usec;
	int pid, running, n = 0;
	const char *event = NULL;
	int64_t *v = res->vmm_values;

	/* 1234@1795677868.022896:vm_state_notify running 1 reason 9 (running) */
	if (sscanf(line, "%d@%llu.%llu:%n", &pid, &sec, &usec, &n) == 3 && n > 0)
		event = line + n;
	else if (strncmp(line, "vm_state_notify ", 16) == 0)
		event = line; /* without timestamps: no lag to tell */
	if (!event || sscanf(event, "vm_state_notify running %d", &running) != 1 || running != 1 ||
	    v[QEMU_VM_RUNNING] >= 0)
		return;
	v[QEMU_VM_RUNNING] = arrival_ns;
	if (n)
		v[QEMU_VM_RUNNING_LAG] =
			arrival_real_ns - (int64_t)(sec * 1000000000ULL + usec * 1000ULL);
}

void qemu_finish(struct instance_result *res)
{
	if (res->vmm_values[QEMU_VM_RUNNING] >= 0)
		trace_set_point(res, POINT_VMM_INIT_END, res->vmm_values[QEMU_VM_RUNNING],
				"vm_state", "arrival");
}

/* summary.json's arrival_ms for QEMU's groups. */
enum arrival_metric {
	ARRIVAL_VM_RUNNING,	 /* "vm_state_notify running 1" arrived, since exec */
	ARRIVAL_VM_RUNNING_LAG,	 /* ... minus QEMU's own stamp of that line */
	ARRIVAL_USER_LAG,	 /* linux_start_user's byte: arrival minus KVM's exit */
	ARRIVAL_INIT_END_VS_RUN, /* first KVM_RUN minus "VM running" arrival */
};

static const char *const arrival_metrics[] = {
	[ARRIVAL_VM_RUNNING] = "vm_running",
	[ARRIVAL_VM_RUNNING_LAG] = "vm_running_lag",
	[ARRIVAL_USER_LAG] = "linux_start_user_lag",
	[ARRIVAL_INIT_END_VS_RUN] = "kvm_entry_minus_vm_running",
	NULL,
};

/* vmm_init_end: the VMM's own stamp, the first KVM_RUN, or "VM running". */
static const char *const init_end_sources[] = { "vmm", "kvm_entry", "vm_state", NULL };

static double ns_difference(int64_t later, int64_t earlier)
{
	return later >= 0 && earlier >= 0 ? (double)(later - earlier) / 1e6 : NAN;
}

static double arrival_value(const struct instance_result *res, unsigned int which)
{
	const int64_t *p = res->point_ns, *v = res->vmm_values;

	switch (which) {
	case ARRIVAL_VM_RUNNING: return ns_difference(v[QEMU_VM_RUNNING], 0);
	case ARRIVAL_VM_RUNNING_LAG: /* -1: a line without QEMU's stamp (raw.csv leaves it empty) */
		return v[QEMU_VM_RUNNING] >= 0 && v[QEMU_VM_RUNNING_LAG] != -1
			       ? (double)v[QEMU_VM_RUNNING_LAG] / 1e6
			       : NAN;
	case ARRIVAL_USER_LAG: return ns_difference(res->user_arrival_ns, res->user_exit_ns);
	default:
		if (strcmp(res->point_source[POINT_VMM_INIT_END], "kvm_entry") != 0)
			return NAN;
		return ns_difference(p[POINT_VMM_INIT_END], 0) -
		       ns_difference(v[QEMU_VM_RUNNING], 0);
	}
}

const struct vmm_arrival qemu_arrival = {
	.metrics = arrival_metrics,
	.value = arrival_value,
	.init_end_sources = init_end_sources,
};
