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
 *                 QEMU is given as /proc/self/fd/N (backend_qemu_images.h), so
 *                 no page of them is shared: what reading them into a
 *                 buffer cost before 4.2 (the seed's "before").
 *
 * Trace points: the guest's port 0xf4 bytes reach us through an
 * isa-debugcon whose chardev is our pipe on fd 3 (stamped on arrival);
 * QEMU's trace log ("vm_state_notify running 1") comes on fd 4;
 * qemu-private's copies are its fds 5 and 6.
 */
#include "backend.h"

#include "log.h"
#include "options.h" /* loadvm's DEFAULT_CMDLINE: both VMMs boot the same line */
#include "backend_qemu_images.h"
#include "trace_port.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QEMU_DEFAULT "qemu-system-x86_64"
#define QEMU_PACKAGE "qemu-system-x86"
#define MIB (1024 * 1024)

static const char *const qemu_loaders[] = { "qemu-private", "qemu-shared", NULL };

/* The resolved binary: a name is looked up in PATH as execvp would. */
static char qemu_path[PATH_MAX];

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

static int qemu_check(struct bench_config *config)
{
	const char *name = config->qemu ? config->qemu : QEMU_DEFAULT;

	if (find_in_path(name, qemu_path, sizeof(qemu_path)) != 0) {
		pr_err("%s: not found or not executable; install Debian's %s package "
		       "(apt-get install %s) or give --qemu PATH",
		       name, QEMU_PACKAGE, QEMU_PACKAGE);
		return -1;
	}
	config->qemu = qemu_path;
	/* QEMU maps -kernel only for an ELF (the PVH vmlinux); a bzImage takes
	 * another path (linuxboot), so it would not be the seed's comparison.
	 * (A missing file is reported with the other images, later.) */
	if (access(config->kernel, R_OK) == 0 && !is_elf(config->kernel)) {
		pr_err("--kernel %s: QEMU is measured with the PVH ELF kernel (vmlinux), the one "
		       "it maps; this is not an ELF file",
		       config->kernel);
		return -1;
	}
	return 0;
}

static unsigned int file_mib(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 ? (unsigned)((st.st_size + MIB - 1) / MIB) : 0;
}

static unsigned int qemu_extra_mib(const struct bench_config *config, unsigned int loader)
{
	if (strcmp(config->loaders[loader], "qemu-private") != 0)
		return 0;
	return file_mib(config->kernel) + file_mib(config->initrd);
}

/* This instance's own copy of path, passed to QEMU as an fd: pages no
 * other instance maps. The fd's number in QEMU, or -1 with
 * launch->failure saying why. */
static int pass_private_copy(struct vmm_launch *launch, const char *path, const char *name)
{
	int fd = private_image_copy(path, name, launch->failure, sizeof(launch->failure));
	int child_fd = fd >= 0 ? launch_pass_fd(launch, fd) : -1;

	if (fd >= 0 && child_fd < 0)
		snprintf(launch->failure, sizeof(launch->failure),
			 "qemu-private: no fd left to pass %s", path);
	return child_fd;
}

/* -kernel/-initrd: the file itself, or QEMU's fd of its private copy
 * (opened by name; /dev/fd is missing in a bare rig). */
static void image_arg(struct vmm_launch *launch, const char *option, const char *path, int child_fd)
{
	launch_arg(launch, option);
	if (child_fd >= 0)
		launch_argf(launch, "/proc/self/fd/%d", child_fd);
	else
		launch_arg(launch, path);
}

static int qemu_prepare(const struct bench_config *config, unsigned int loader,
			struct vmm_launch *launch)
{
	int kernel_fd = -1, initrd_fd = -1;

	if (strcmp(config->loaders[loader], "qemu-private") == 0) {
		kernel_fd = pass_private_copy(launch, config->kernel, "kernel");
		if (kernel_fd < 0)
			return -1;
		if (config->initrd) {
			initrd_fd = pass_private_copy(launch, config->initrd, "initrd");
			if (initrd_fd < 0)
				return -1;
		}
	}
	launch_arg(launch, config->qemu);
	launch_arg(launch, "-machine");
	launch_arg(launch, config->qemu_machine);
	launch_arg(launch, "-accel");
	launch_arg(launch, config->qemu_accel);
	launch_arg(launch, "-m");
	launch_argf(launch, "%u", config->mem_mib);
	launch_arg(launch, "-smp");
	launch_argf(launch, "%u", config->vcpus);
	/* Nothing but what the guest needs: no NIC, VGA, user config or monitor. */
	launch_arg(launch, "-nodefaults");
	launch_arg(launch, "-no-user-config");
	launch_arg(launch, "-display");
	launch_arg(launch, "none");
	launch_arg(launch, "-no-reboot");
	/* kvmvapic rewrites the segment registers, after which the guest's
	 * ioperm()+outb to the trace port faults under the nested rig (TR
	 * comes back busy); it only speeds up TPR access of old Windows. */
	launch_arg(launch, "-global");
	launch_arg(launch, "apic-common.vapic=off");
	image_arg(launch, "-kernel", config->kernel, kernel_fd);
	if (config->initrd)
		image_arg(launch, "-initrd", config->initrd, initrd_fd);
	launch_arg(launch, "-append");
	launch_argf(launch, "%s%s%s", DEFAULT_CMDLINE, config->cmdline ? " " : "",
		    config->cmdline ? config->cmdline : "");
	launch_arg(launch, "-chardev");
	launch_argf(launch, "file,id=trace,path=/proc/self/fd/%d", TRACE_FD);
	launch_arg(launch, "-device");
	launch_argf(launch, "isa-debugcon,iobase=%#x,chardev=trace", TRACE_PORT);
	launch_arg(launch, "-serial");
	if (launch->serial[0])
		launch_argf(launch, "file:%s", launch->serial);
	else
		launch_arg(launch, "null");
	/* "PID@SEC.USEC:vm_state_notify running 1 ...": QEMU's own stamp lets
	 * us tell how late the line reached us. */
	launch_arg(launch, "-msg");
	launch_arg(launch, "timestamp=on");
	launch_arg(launch, "-trace");
	launch_arg(launch, "enable=vm_state_notify");
	launch_arg(launch, "-D");
	launch_argf(launch, "/proc/self/fd/%d", VMM_LOG_FD);
	return 0;
}

const struct vmm_backend backend_qemu = {
	.name = "qemu",
	.loaders = qemu_loaders,
	.trace = TRACE_PORT_BYTES,
	.log_channel = true,
	/* Measured: 60-90 MB USS besides guest RAM under TCG, less with KVM. */
	.overhead_mib = 96,
	.check = qemu_check,
	.extra_mib = qemu_extra_mib,
	.prepare = qemu_prepare,
};
