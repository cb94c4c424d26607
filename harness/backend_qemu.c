// SPDX-License-Identifier: MIT
/*
 * QEMU as the peer (qemu-system-x86_64, Debian's 7.2): the same kernel,
 * initrd, command line, guest RAM and vCPUs as loadvm, minimal devices.
 * Two "loaders", which are really two ways of handing QEMU the images:
 *
 *   qemu-shared   QEMU as shipped: since 4.2 it maps the ELF kernel and the
 *                 initrd, so N instances share those page-cache pages
 *                 (the seed's "after");
 *   qemu-private  every instance gets its own copy of both files, a memfd
 *                 QEMU is given as /proc/self/fd/N (backend_qemu_images.h),
 *                 so no page of them is shared: what reading them into a
 *                 buffer cost before 4.2 (the seed's "before").
 *
 * Trace points: the guest's port 0xf4 bytes reach us through an
 * isa-debugcon whose chardev is our pipe on fd 3 (stamped on arrival);
 * QEMU's trace log ("vm_state_notify running 1") comes on fd 4;
 * qemu-private's copies are its fds 5 and 6. This file: the ops table,
 * the --qemu* options and the set-up (backend_qemu.h has the others).
 */
#include "backend_qemu.h"

#include "log.h"
#include "option_lists.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QEMU_DEFAULT "qemu-system-x86_64"
#define QEMU_PACKAGE "qemu-system-x86"
#define RESET_VECTOR_IP 0xfff0 /* where firmware's vCPU 0 starts */

static const char *const qemu_loaders[] = { "qemu-private", "qemu-shared", NULL };

static const char *const machines[] = { "pc", "q35", "microvm", NULL };
static const char *const accels[] = { "kvm", "tcg", NULL };
static const char *const init_ends[] = { "auto", "vm_state_notify", NULL };

/* The defaults, also for configurations built by hand (tests). */
struct qemu_settings qemu_settings = { .machine = "pc", .accel = "kvm" };

enum { OPT_QEMU, OPT_MACHINE, OPT_ACCEL, OPT_INIT_END };

static const char *const options[] = { "qemu", "qemu-machine", "qemu-accel", "qemu-init-end",
				       NULL };

static const char usage[] =
	"  --qemu PATH        QEMU (default: qemu-system-x86_64 from PATH)\n"
	"  --qemu-machine M   pc, q35 or microvm (default pc, as the seed)\n"
	"  --qemu-accel A     kvm or tcg (default kvm; tcg where KVM cannot run QEMU)\n"
	"  --qemu-init-end M  how qemu_init_end is taken: auto (the first KVM_RUN from\n"
	"                     tracefs where it can be had, else vm_state_notify) or\n"
	"                     vm_state_notify (QEMU's trace line; no tracing) (default auto)\n";

static void qemu_reset(void)
{
	memset(&qemu_settings, 0, sizeof(qemu_settings));
	qemu_settings.machine = machines[0]; /* pc, as the seed */
	qemu_settings.accel = accels[0];
}

static int qemu_parse_option(unsigned int option, const char *arg)
{
	struct qemu_settings *q = &qemu_settings;

	switch (option) {
	case OPT_QEMU: q->binary = arg; return 0;
	case OPT_MACHINE: return option_one_of("qemu-machine", arg, machines, &q->machine);
	case OPT_ACCEL: return option_one_of("qemu-accel", arg, accels, &q->accel);
	default:
		if (option_one_of("qemu-init-end", arg, init_ends, &q->init_end))
			return -1;
		if (q->init_end == init_ends[0])
			q->init_end = NULL; /* auto: decided once the accel is known */
		return 0;
	}
}

/* The resolved binary: a name is looked up in PATH as execvp would. */
static int find_in_path(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");
	char dirs[4096], *save = NULL;

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return access(out, X_OK);
	}
	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/bin:/bin");
	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, size, "%s/%s", *dir ? dir : ".", name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

static int is_elf(const char *path)
{
	unsigned char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, magic, sizeof(magic)) : -1;

	if (fd >= 0)
		close(fd);
	return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

/* qemu-boot-time's qemu_init_end is the first KVM_RUN; it needs KVM and
 * tracefs. Without them QEMU's own "VM running" trace line stands in. */
static void choose_init_end(const struct bench_config *config)
{
	struct qemu_settings *q = &qemu_settings;

	if (strcmp(q->accel, "kvm") != 0) {
		q->init_end = "vm_state_notify";
		q->init_end_why = "no KVM_RUN under TCG";
		return;
	}
	if (q->init_end) { /* --qemu-init-end vm_state_notify */
		q->init_end_why = "--qemu-init-end vm_state_notify";
		return;
	}
	/* The run has probed tracefs already: its answer holds for QEMU. */
	q->init_end = config->tracefs_timing ? "kvm_entry" : "vm_state_notify";
	q->init_end_why = config->tracefs_timing ? "first KVM_RUN, kvm:kvm_entry via tracefs"
						 : config->timing_why;
}

static int qemu_setup(struct bench_config *config)
{
	struct qemu_settings *q = &qemu_settings;
	const char *name = q->binary ? q->binary : QEMU_DEFAULT;

	if (find_in_path(name, q->path, sizeof(q->path)) != 0) {
		pr_err("%s: not found or not executable; install Debian's %s package "
		       "(apt-get install %s) or give --qemu PATH",
		       name, QEMU_PACKAGE, QEMU_PACKAGE);
		return -1;
	}
	q->binary = q->path;
	/* QEMU maps -kernel only for an ELF (the PVH vmlinux); a bzImage takes
	 * another path (linuxboot), so it would not be the seed's comparison.
	 * (A missing file is reported with the other images, later.) */
	if (access(config->kernel, R_OK) == 0 && !is_elf(config->kernel)) {
		pr_err("--kernel %s: QEMU is measured with the PVH ELF kernel (vmlinux), the one "
		       "it maps; this is not an ELF file",
		       config->kernel);
		return -1;
	}
	choose_init_end(config);
	return 0;
}

const struct vmm_backend backend_qemu = {
	.name = "qemu",
	.loaders = qemu_loaders,
	.trace = TRACE_PORT_BYTES,
	.log_channel = true,
	/* Measured: 60-90 MB USS besides guest RAM under TCG, less with KVM. */
	.overhead_mib = 96,
	/* QEMU starts its firmware at the reset vector. */
	.first_rip = RESET_VECTOR_IP,
	.saves_whole_kernel = true,
	.options = options,
	.usage = usage,
	.reset = qemu_reset,
	.parse_option = qemu_parse_option,
	.setup = qemu_setup,
	.context = qemu_context,
	.json = qemu_json,
	.heading = qemu_heading,
	/* QEMU's qemu_init_end shares loadvm's row: both end VMM set-up. */
	.point_labels = { [POINT_VMM_INIT_END] = "qemu_init_end" },
	.log_line = qemu_log_line,
	.finish = qemu_finish,
	.values = qemu_values,
	.nr_values = NR_QEMU_VALUES,
	.arrival = &qemu_arrival,
	.extra_mib = qemu_extra_mib,
	.prepare = qemu_prepare,
};
