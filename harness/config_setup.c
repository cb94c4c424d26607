// SPDX-License-Identifier: MIT
/* What a parsed configuration needs from the host before a run: its
 * inputs checked, the breakpoint, how times are taken, each VMM set up by
 * its backend, ksmd for the merging loaders, and the run's order. */
#include "bench_config.h"

#include "backend.h"
#include "input_check.h"
#include "ksm_settle.h"
#include "kvm_tracefs.h"
#include "log.h"
#include "run_order.h"
#include "symbols.h"

#include <string.h>

/* Arms the breakpoint only where the symbol can be found: a stock kernel
 * without symbols gets n/a for linux_start_kernel, never a guess. */
static int choose_breakpoint(struct bench_config *config)
{
	uint64_t address;
	int found;

	if (strcmp(config->break_symbol, "none") == 0) {
		config->break_symbol = NULL;
		config->break_status = "disabled by --break-symbol none";
		return 0;
	}
	found = symbol_address(config->kernel, config->system_map, config->break_symbol, &address);
	if (found == -2)
		return -1;
	if (found < 0 && config->system_map) {
		pr_errno("--system-map %s", config->system_map);
		return -1;
	}
	if (found != 0) {
		config->break_status = "not armed: the kernel has no such symbol";
		config->break_symbol = NULL;
		return 0;
	}
	config->break_status = "armed";
	return 0;
}

/* The seed's times for every VMM where tracefs can give them. The first
 * KVM_RUN is the first guest entry at the RIP the VMM set (backend.h):
 * loadvm starts the kernel at its PVH entry, QEMU its firmware at the
 * reset vector. */
static void choose_timing(struct bench_config *config, uint64_t pvh_entry)
{
	config->timing_why = kvm_tracefs_unavailable();
	config->tracefs_timing = config->timing_why == NULL;
	if (config->tracefs_timing)
		config->timing_why = "exec, first kvm_entry and kvm_pio through tracefs";
	config->nr_first_rips = 0;
	for (unsigned b = 0; b < backend_count(); b++) {
		const struct vmm_backend *vmm = backend_at(b);
		uint64_t rip = vmm->first_rip == VMM_FIRST_RIP_PVH ? pvh_entry : vmm->first_rip;

		if (rip && config_has_vmm(config, vmm) && config->nr_first_rips < MAX_VMMS)
			config->first_rips[config->nr_first_rips++] = rip;
	}
}

/* A merging loader without ksmd would measure nothing but its copy or mmap:
 * refused before any round. */
static int check_ksm(struct bench_config *config)
{
	config->ksm_root = ksm_root_from_env();
	for (unsigned l = 0; l < config->nr_loaders; l++)
		if (loader_merges(config, l))
			return ksm_check_running(config->ksm_root, config->loaders[l]);
	return 0;
}

/* The run's order, fixed before anything runs (a resumed run recomputes
 * the same one from the same seed). */
static int choose_order(struct bench_config *config)
{
	if (strcmp(config->order, "shuffled") != 0)
		return 0;
	config->plan = run_order_shuffle(config, config->order_seed);
	if (!config->plan) {
		pr_err("out of memory for the run's order");
		return -1;
	}
	return 0;
}

int bench_config_setup(struct bench_config *config)
{
	struct kernel_facts kernel;

	/* Inputs first: the breakpoint's symbol lookup reads the kernel. */
	if (input_check(config, &kernel) || choose_breakpoint(config))
		return -1;
	/* Before the VMMs' set-up, which may depend on it (QEMU's init end). */
	choose_timing(config, kernel.pvh_entry);
	for (unsigned v = 0; v < config->nr_vmms; v++)
		if (config->vmms[v]->setup(config))
			return -1;
	if (check_ksm(config))
		return -1;
	config->kernel_elf = kernel.elf_path ? kernel.elf_path : config->kernel;
	return choose_order(config);
}
