// SPDX-License-Identifier: MIT
/* One QEMU instance: its command line, and for qemu-private its own
 * copies of the images (backend_qemu_images.h), passed as fds 5 and 6. */
#include "backend_qemu.h"

#include "backend_qemu_images.h"
#include "options.h" /* loadvm's DEFAULT_CMDLINE: both VMMs boot the same line */
#include "trace_port.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MIB (1024 * 1024)

static unsigned int file_mib(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 ? (unsigned)((st.st_size + MIB - 1) / MIB) : 0;
}

unsigned int qemu_extra_mib(const struct bench_config *config, unsigned int loader)
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

int qemu_prepare(const struct bench_config *config, unsigned int loader, struct vmm_launch *launch)
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
	launch_arg(launch, qemu_settings.binary);
	launch_arg(launch, "-machine");
	launch_arg(launch, qemu_settings.machine);
	launch_arg(launch, "-accel");
	launch_arg(launch, qemu_settings.accel);
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
