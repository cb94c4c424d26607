// SPDX-License-Identifier: MIT
/* What the run's context and outputs say about QEMU: its version, its
 * objects in config.json and summary.json, the tables' paragraph. */
#include "backend_qemu.h"

#include "config_record.h"
#include "context.h"
#include "json_writer.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

void qemu_context(const struct bench_config *config, const struct run_context *ctx)
{
	struct qemu_settings *q = &qemu_settings;
	const char *argv[] = { q->binary, "--version", NULL };

	(void)config;
	context_command_line(argv, q->version, sizeof(q->version), "unknown");
	/* QEMU under KVM does not boot on a host whose KVM emulates (it
	 * hangs): say so before the first round waits for its timeout. */
	if (strcmp(q->accel, "kvm") == 0 && strcmp(ctx->kvm_mode, "emulated") == 0)
		pr_err("warning: this host's KVM emulates guest code; QEMU with -accel kvm hangs "
		       "here: use --qemu-accel tcg, or run inside the nested rig");
}

void qemu_json(struct json_writer *j, const struct bench_config *config, enum vmm_json where)
{
	const struct qemu_settings *q = &qemu_settings;

	(void)config;
	if (where == VMM_JSON_CONFIG)
		config_record_file(j, "binary", q->binary);
	else
		jw_string(j, "path", q->binary);
	jw_string(j, "version", q->version);
	jw_string(j, "machine", q->machine);
	jw_string(j, "accel", q->accel);
	jw_string(j, "qemu_init_end", q->init_end);
	if (where == VMM_JSON_SUMMARY)
		jw_string(j, "qemu_init_end_why", q->init_end_why);
}

/* What QEMU's columns are and how their points were taken. */
void qemu_heading(FILE *f, const struct bench_config *config)
{
	const struct qemu_settings *q = &qemu_settings;

	(void)config;
	fprintf(f,
		"\nQEMU: %s, machine %s, accel %s. qemu-private: each instance maps its own "
		"copy of the kernel and initrd (a memfd), the seed's \"before\"; qemu-shared: "
		"QEMU as shipped maps the files, the seed's \"after\". The guest's port 0xf4 "
		"bytes also reach loadbench through isa-debugcon and a pipe: where tracefs does "
		"not time them, they are stamped on arrival. qemu_init_end (in the vmm_init_end "
		"row): ",
		q->version[0] ? q->version : "unknown version", q->machine, q->accel);
	if (q->init_end && strcmp(q->init_end, "kvm_entry") == 0)
		fputs("the first KVM_RUN of the process (kvm:kvm_entry through tracefs), as "
		      "qemu-boot-time takes it.\n",
		      f);
	else
		fprintf(f,
			"QEMU's \"vm_state_notify running 1\" trace line, stamped on arrival "
			"(the first KVM_RUN could not be taken: %s).\n",
			q->init_end_why ? q->init_end_why : "unknown");
}
