// SPDX-License-Identifier: MIT
/* Where tracefs is, and whether loadbench's method can run on it
 * (kvm_tracefs.h): root, the mono clock, the three events. */
#include "kvm_tracefs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing"
#define TRACEFS_OLD "/sys/kernel/debug/tracing"

static int is_tracefs(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/instances", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Mounted where systemd mounts it, under debugfs on older set-ups, or by
 * us (as root, on a system that mounts none). */
const char *kvm_tracefs_root(void)
{
	if (is_tracefs(TRACEFS))
		return TRACEFS;
	if (is_tracefs(TRACEFS_OLD))
		return TRACEFS_OLD;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0 && is_tracefs(TRACEFS))
		return TRACEFS;
	return NULL;
}

static int file_has(const char *path, const char *needle)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static int root_file_has(const char *root, const char *name, const char *needle)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return file_has(path, needle);
}

const char *kvm_tracefs_unavailable(void)
{
	const char *root;

	if (geteuid() != 0)
		return "not root (tracefs needs root)";
	root = kvm_tracefs_root();
	if (!root)
		return "no tracefs (not mounted, and mounting it failed)";
	if (!root_file_has(root, "trace_clock", "mono"))
		return "tracefs has no mono trace clock";
	if (!root_file_has(root, "events/sched/sched_process_exec/format", "field:pid_t pid"))
		return "no sched:sched_process_exec event";
	if (!root_file_has(root, "events/kvm/kvm_entry/format", "field:unsigned long rip") ||
	    !root_file_has(root, "events/kvm/kvm_entry/format", "vcpu_id"))
		return "no kvm:kvm_entry event with vcpu_id and rip (kvm module not loaded?)";
	if (!root_file_has(root, "events/kvm/kvm_pio/format", "port"))
		return "no kvm:kvm_pio event";
	return NULL;
}
