// SPDX-License-Identifier: MIT
#include "tracefs_stale.h"

#include "kvm_tracefs.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "loadbench-"

static bool all_digits(const char *s, size_t len)
{
	return len > 0 && strspn(s, "0123456789") >= len;
}

pid_t tracefs_stale_pid(const char *name)
{
	const char *pid, *dash;
	long long v = 0;

	if (strncmp(name, PREFIX, strlen(PREFIX)) != 0)
		return 0;
	pid = name + strlen(PREFIX);
	dash = strchr(pid, '-');
	if (!dash || !all_digits(pid, (size_t)(dash - pid)) ||
	    !all_digits(dash + 1, strlen(dash + 1)))
		return 0;
	for (const char *p = pid; p < dash && v <= INT_MAX; p++)
		v = v * 10 + (*p - '0');
	return v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

/* The last path component of s[0..len) is exactly name. */
static bool base_is(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len >= n && memcmp(s + len - n, name, n) == 0 && (len == n || s[len - n - 1] == '/');
}

bool tracefs_stale_is_loadbench(const char *comm, const char *exe, const char *args,
				size_t args_len)
{
	static const char deleted[] = " (deleted)"; /* rebuilt while it runs */
	size_t len;

	if (!comm)
		return false;
	if (strcmp(comm, "loadbench") == 0)
		return true;
	len = strlen(exe);
	if (len > strlen(deleted) && strcmp(exe + len - strlen(deleted), deleted) == 0)
		len -= strlen(deleted);
	if (base_is(exe, len, "loadbench"))
		return true;
	for (size_t at = 0; at < args_len; at += len + 1) {
		len = strnlen(args + at, args_len - at);
		if (base_is(args + at, len, "loadbench"))
			return true;
	}
	return false;
}

/* Up to size - 1 bytes of a /proc file, NUL-terminated; -1 if unreadable. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* NULL if pid is a running loadbench, else why its instances are stale. */
static const char *stale_why(pid_t pid, char *why, size_t size)
{
	char comm[64], exe[PATH_MAX], args[4096], path[64];
	ssize_t n, args_len;

	if (pid == getpid())
		return "our own pid, from an earlier process";
	if (read_proc(pid, "comm", comm, sizeof(comm)) < 0)
		return "no such process";
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	args_len = read_proc(pid, "cmdline", args, sizeof(args));
	if (tracefs_stale_is_loadbench(comm, exe, args, args_len > 0 ? (size_t)args_len : 0))
		return NULL;
	snprintf(why, size, "that pid is now %s", comm);
	return why;
}

static char report[4096];
static size_t reported;

/* Keeps a line for tracefs_stale_report(); what does not fit is dropped. */
static void note(const char *line)
{
	size_t len = strlen(line);

	if (len < sizeof(report) - reported) {
		memcpy(report + reported, line, len + 1);
		reported += len;
	}
}

void tracefs_stale_report(void)
{
	if (reported)
		fputs(report, stderr);
	reported = 0;
}

void tracefs_stale_remove(void)
{
	const char *root;
	char instances[PATH_MAX], dir[PATH_MAX + 256], why[96], line[PATH_MAX + 512];
	const char *reason;
	struct dirent *e;
	DIR *d;

	if (kvm_tracefs_unavailable() || !(root = kvm_tracefs_root()))
		return;
	snprintf(instances, sizeof(instances), "%s/instances", root);
	d = opendir(instances);
	while (d && (e = readdir(d)) != NULL) {
		pid_t pid = tracefs_stale_pid(e->d_name);

		if (pid == 0 || !(reason = stale_why(pid, why, sizeof(why))))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", instances, e->d_name);
		if (kvm_tracefs_remove(dir) == 0)
			snprintf(line, sizeof(line),
				 "loadbench: removed tracefs instance %s left by loadbench pid %d "
				 "(%s)\n",
				 dir, (int)pid, reason);
		else
			snprintf(line, sizeof(line),
				 "loadbench: cannot remove tracefs instance %s left by loadbench "
				 "pid %d: "
				 "%s\n",
				 dir, (int)pid, strerror(errno));
		note(line);
	}
	if (d)
		closedir(d);
}
