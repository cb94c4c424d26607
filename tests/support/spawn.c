// SPDX-License-Identifier: MIT
#include "spawn.h"

#include "kvm_dev.h"
#include "signal_pid.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t spawn_cmd(const char *const argv[], const char *stdout_path, const char *stderr_path)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	int out = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int err = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int wait_cmd(pid_t pid, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	int status;

	/* waitpid(0 or -1) would reap any child: only real pids are waited for. */
	if (pid <= 0)
		return -1;
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);

		if (done == pid)
			break;
		if (done < 0 && errno != EINTR)
			return -1;
		if (now_s() > deadline) {
			signal_pid(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(5000);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int run_cmd(const char *const argv[], const char *stdout_path, const char *stderr_path,
	    double timeout_s)
{
	pid_t pid = spawn_cmd(argv, stdout_path, stderr_path);

	return pid < 0 ? -1 : wait_cmd(pid, timeout_s);
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t got;

	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, mem);
	fclose(mem);
	fclose(f);
	return text;
}

bool wait_for_text(const char *path, const char *needle, double timeout_s)
{
	double deadline = now_s() + timeout_s;

	do {
		char *text = slurp(path);
		bool found = text && strstr(text, needle);

		free(text);
		if (found)
			return true;
		usleep(10000);
	} while (now_s() < deadline);
	return false;
}

/* A fresh directory per test program: PIDs repeat (in every rig boot they
 * are the same), and a file left by an earlier run must never be taken for
 * this run's output. */
const char *test_dir(void)
{
	static char dir[256];

	if (!dir[0]) {
		mkdir("build", 0755);
		mkdir("build/test-tmp", 0755);
		snprintf(dir, sizeof(dir), "build/test-tmp/XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp build/test-tmp");
			exit(1);
		}
	}
	return dir;
}

const char *test_path(const char *name)
{
	static char paths[8][320];
	static unsigned next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s", test_dir(), name);
	return p;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *value = getenv(name);

	return value && *value ? value : fallback;
}

const char *loadvm_path(void)
{
	return env_or("LOADVM", "build/loadvm");
}

const char *probe_elf_path(void)
{
	return env_or("PROBE_ELF", "build/probe.elf");
}

const char *probe_sum_path(void)
{
	return env_or("PROBE_SUM", "build/probe-sum");
}

const char *loadbench_path(void)
{
	return env_or("LOADBENCH", "build/loadbench");
}

void sync_file(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

const char *make_test_initrd(const char *path, uint64_t size)
{
	static char sum[32];
	FILE *f = fopen(path, "wb");
	const char *argv[] = { probe_sum_path(), path, NULL };
	const char *out = test_path("probe-sum.out");
	char *text;

	if (!f)
		return NULL;
	for (uint64_t i = 0; i < size; i++)
		fputc((int)((i * 131) ^ (i >> 9)) & 0xff, f);
	fclose(f);
	sync_file(path);
	if (run_cmd(argv, out, test_path("probe-sum.err"), 10) != 0)
		return NULL;
	text = slurp(out);
	if (!text)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	snprintf(sum, sizeof(sum), "%s", text);
	free(text);
	return sum;
}

bool have_kvm(void)
{
	char why[256];
	int fd = kvm_dev_open(why, sizeof(why));

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

void require_kvm(const char *program)
{
	char why[256];
	int fd = kvm_dev_open(why, sizeof(why));

	if (fd >= 0) {
		close(fd);
		return;
	}
	/* tests/run.sh sends this test to the nested rig where KVM is missing;
	 * run by hand without KVM it is skipped, never passed. */
	printf("# %s skipped: %s\n", program, why);
	exit(77);
}
