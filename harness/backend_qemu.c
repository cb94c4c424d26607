// SPDX-License-Identifier: MIT
/*
 * QEMU as the peer (qemu-system-x86_64, Debian's 7.2): the same kernel,
 * initrd, command line, guest RAM and vCPUs as loadvm, minimal devices.
 * Two "loaders", which are really two ways of handing QEMU the images:
 *
 *   qemu-shared   QEMU as shipped: since 4.2 it maps the ELF kernel and the
 *                 initrd, so N instances share those page-cache pages
 *                 (the seed's "after");
 *   qemu-private  every instance gets its own copy of both files on a
 *                 tmpfs, so no page of them is shared: what reading them
 *                 into a buffer cost before 4.2 (the seed's "before").
 *
 * Trace points: the guest's port 0xf4 bytes reach us through an
 * isa-debugcon whose chardev is our pipe on fd 3 (stamped on arrival);
 * QEMU's trace log ("vm_state_notify running 1") comes on fd 4.
 */
#include "backend.h"

#include "log.h"
#include "options.h" /* loadvm's DEFAULT_CMDLINE: both VMMs boot the same line */
#include "trace_port.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define QEMU_DEFAULT "qemu-system-x86_64"
#define QEMU_PACKAGE "qemu-system-x86"
#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6
#define MIB (1024 * 1024)

static const char *const qemu_loaders[] = { "qemu-private", "qemu-shared", NULL };

/* The resolved binary: a name is looked up in PATH as execvp would. */
static char qemu_path[PATH_MAX];
/* <private dir>/loadbench-<pid>: every instance's copies, one directory
 * each, so an interrupted run can remove them all at once. */
static char private_root[PATH_MAX];

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

static int is_tmpfs(const char *dir)
{
	struct statfs fs;

	return statfs(dir, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC) &&
	       access(dir, W_OK | X_OK) == 0;
}

/* Where qemu-private's copies go: --private-dir, else the first tmpfs of
 * /dev/shm, $TMPDIR and /tmp (inside the rig /tmp is tmpfs, /dev/shm absent). */
static int choose_private_dir(struct bench_config *config)
{
	const char *candidates[] = { "/dev/shm", getenv("TMPDIR"), "/tmp" };

	if (config->private_dir) {
		if (is_tmpfs(config->private_dir))
			return 0;
		pr_err("--private-dir %s: not a writable tmpfs (qemu-private's copies must live "
		       "in memory, like the buffer QEMU read them into before 4.2)",
		       config->private_dir);
		return -1;
	}
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (candidates[i] && *candidates[i] && is_tmpfs(candidates[i])) {
			config->private_dir = candidates[i];
			return 0;
		}
	pr_err("qemu-private needs a writable tmpfs for its copies: none of /dev/shm, $TMPDIR, "
	       "/tmp is one (give --private-dir DIR)");
	return -1;
}

static int uses_loader(const struct bench_config *config, const char *name)
{
	for (unsigned l = 0; l < config->nr_loaders; l++)
		if (strcmp(config->loaders[l], name) == 0)
			return 1;
	return 0;
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
	if (uses_loader(config, "qemu-private")) {
		if (choose_private_dir(config))
			return -1;
		snprintf(private_root, sizeof(private_root), "%.*s/loadbench-%d", PATH_MAX - 32,
			 config->private_dir, (int)getpid());
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

static int copy_file(const char *from, const char *to)
{
	static char buf[1 << 20];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ssize_t got = 0;

	while (in >= 0 && out >= 0 && (got = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)got) != got) {
			got = -1;
			break;
		}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		got = -1;
	if (in < 0 || out < 0 || got < 0) {
		pr_errno("qemu-private: copying %s to %s", from, to);
		return -1;
	}
	return 0;
}

static int in_dir(char out[PATH_MAX], const char *dir, const char *name)
{
	int len = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	if (len < 0 || len >= PATH_MAX) {
		pr_err("qemu-private: %s/%s: path too long", dir, name);
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* This instance's own copies: pages no other instance maps. */
static int make_private_copies(const struct bench_config *config, const char *tag,
			       struct vmm_launch *launch)
{
	if (mkdir(private_root, 0700) != 0 && errno != EEXIST) {
		pr_errno("qemu-private: %s", private_root);
		return -1;
	}
	if (in_dir(launch->private_dir, private_root, tag))
		return -1;
	if (mkdir(launch->private_dir, 0700) != 0) {
		pr_errno("qemu-private: %s", launch->private_dir);
		launch->private_dir[0] = '\0';
		return -1;
	}
	if (in_dir(launch->kernel, launch->private_dir, "vmlinux") ||
	    copy_file(config->kernel, launch->kernel))
		return -1;
	if (config->initrd && (in_dir(launch->initrd, launch->private_dir, "initrd") ||
			       copy_file(config->initrd, launch->initrd)))
		return -1;
	return 0;
}

static int qemu_prepare(const struct bench_config *config, unsigned int loader, const char *tag,
			struct vmm_launch *launch)
{
	if (strcmp(config->loaders[loader], "qemu-private") == 0) {
		if (make_private_copies(config, tag, launch))
			return -1;
	} else {
		snprintf(launch->kernel, sizeof(launch->kernel), "%s", config->kernel);
		snprintf(launch->initrd, sizeof(launch->initrd), "%s",
			 config->initrd ? config->initrd : "");
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
	launch_arg(launch, "-kernel");
	launch_arg(launch, launch->kernel);
	if (launch->initrd[0]) {
		launch_arg(launch, "-initrd");
		launch_arg(launch, launch->initrd);
	}
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

static void qemu_cleanup(struct vmm_launch *launch)
{
	if (!launch->private_dir[0])
		return;
	unlink(launch->kernel);
	if (launch->initrd[0])
		unlink(launch->initrd);
	if (rmdir(launch->private_dir) != 0 && errno != ENOENT)
		pr_errno("qemu-private: cannot remove %s", launch->private_dir);
	launch->private_dir[0] = '\0';
	rmdir(private_root); /* once the last instance's directory is gone */
}

/* From a signal handler: fork, exec and wait are async-signal-safe. */
static void qemu_interrupted(void)
{
	pid_t pid;

	if (!private_root[0] || access(private_root, F_OK) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", "--", private_root, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
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
	.cleanup = qemu_cleanup,
	.interrupted = qemu_interrupted,
};
