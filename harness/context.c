// SPDX-License-Identifier: MIT
#include "context.h"

#include "backend.h"

#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* First line of a file, or of a command's output, without the newline. */
static void first_line(FILE *f, char *out, size_t size)
{
	out[0] = '\0';
	if (f && fgets(out, (int)size, f))
		out[strcspn(out, "\n")] = '\0';
}

static void read_file_line(const char *path, char *out, size_t size, const char *fallback)
{
	FILE *f = fopen(path, "r");

	first_line(f, out, size);
	if (f)
		fclose(f);
	if (!out[0])
		snprintf(out, size, "%s", fallback);
}

void context_command_line(const char *const argv[], char *out, size_t size, const char *fallback)
{
	int fds[2];
	pid_t pid;
	FILE *p;
	posix_spawn_file_actions_t actions;

	out[0] = '\0';
	if (pipe(fds) == 0) {
		posix_spawn_file_actions_init(&actions);
		posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
		posix_spawn_file_actions_addclose(&actions, fds[0]);
		posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
		if (posix_spawn(&pid, argv[0], &actions, NULL, (char *const *)argv, environ) == 0) {
			close(fds[1]);
			p = fdopen(fds[0], "r");
			first_line(p, out, size);
			if (p)
				fclose(p);
			waitpid(pid, NULL, 0);
		} else {
			close(fds[0]);
			close(fds[1]);
		}
		posix_spawn_file_actions_destroy(&actions);
	}
	if (!out[0])
		snprintf(out, size, "%s", fallback);
}

/* The bracketed choice in a sysfs "always [madvise] never" line. */
static void bracketed(char *text)
{
	char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;

	if (open && close) {
		*close = '\0';
		memmove(text, open + 1, strlen(open + 1) + 1);
	}
}

static void cpu_model(char *out, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(out, size, "%s", colon + 2);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

static void image(struct image_info *info, const char *path)
{
	info->path = path;
	info->present = path && sha256_file(path, info->sha256, &info->bytes) == 0;
}

/* native: guests run at hardware speed here; emulated: this host's KVM
 * emulates guest code (real Linux needs the rig); none: no usable KVM;
 * rig: we run inside the nested rig (the caller says so, or the rig's init
 * set RIG=1 for its command). In the rig kvm-mode's timing lands near its
 * threshold and flips with the host's load, and a --resume of the same run
 * was refused as "another configuration". */
static void kvm_mode(const struct bench_config *config, char *out, size_t size)
{
	char tool[PATH_MAX];
	const char *slash = strrchr(config->loadvm, '/');
	const char *argv[] = { tool, NULL };
	const char *rig = getenv("RIG");

	if (config->kvm_mode) {
		snprintf(out, size, "%s", config->kvm_mode);
		return;
	}
	if (rig && strcmp(rig, "1") == 0) {
		snprintf(out, size, "rig");
		return;
	}
	snprintf(tool, sizeof(tool), "%.*skvm-mode", slash ? (int)(slash - config->loadvm + 1) : 0,
		 config->loadvm);
	context_command_line(argv, out, size, "unknown");
	if (strcmp(out, "native") != 0 && strcmp(out, "emulated") != 0 && strcmp(out, "none") != 0)
		snprintf(out, size, "unknown");
}

void context_collect(struct run_context *ctx, const struct bench_config *config)
{
	struct utsname uts;
	time_t now = time(NULL);
	const char *version_argv[] = { config->loadvm, "--version", NULL };

	memset(ctx, 0, sizeof(*ctx));
	strftime(ctx->date, sizeof(ctx->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (uname(&uts) == 0) {
		snprintf(ctx->host, sizeof(ctx->host), "%s", uts.nodename);
		snprintf(ctx->host_kernel, sizeof(ctx->host_kernel), "%s %s", uts.sysname,
			 uts.release);
	}
	cpu_model(ctx->cpu, sizeof(ctx->cpu));
	kvm_mode(config, ctx->kvm_mode, sizeof(ctx->kvm_mode));
	read_file_line("/sys/kernel/mm/transparent_hugepage/enabled", ctx->thp, sizeof(ctx->thp),
		       "unknown");
	bracketed(ctx->thp);
	read_file_line("/sys/kernel/mm/ksm/run", ctx->ksm, sizeof(ctx->ksm), "unknown");
	read_file_line("/sys/kernel/mm/ksm/pages_to_scan", ctx->ksm_pages_to_scan,
		       sizeof(ctx->ksm_pages_to_scan), "unknown");
	read_file_line("/sys/kernel/mm/ksm/sleep_millisecs", ctx->ksm_sleep_millisecs,
		       sizeof(ctx->ksm_sleep_millisecs), "unknown");
	context_command_line(version_argv, ctx->loadvm_version, sizeof(ctx->loadvm_version),
			     "unknown");
	for (unsigned b = 0; b < backend_count(); b++)
		if (backend_at(b)->context && config_has_vmm(config, backend_at(b)))
			backend_at(b)->context(config, ctx);
	image(&ctx->kernel, config->kernel);
	image(&ctx->initrd, config->initrd);
	kernel_load_read(&ctx->kernel_elf,
			 config->kernel_elf ? config->kernel_elf : config->kernel);
}

void context_default_out_dir(char *out, size_t size)
{
	char host[64] = "host";
	char date[32];
	time_t now = time(NULL);

	gethostname(host, sizeof(host) - 1);
	strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(out, size, "results/%s-%s", date, host);
}
