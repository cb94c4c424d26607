// SPDX-License-Identifier: MIT
#include "ksm_settle.h"

#include "log.h"
#include "monotonic.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KSM_DIR "/sys/kernel/mm/ksm"

const char *ksm_root_from_env(void)
{
	const char *root = getenv(KSM_ROOT_ENV);

	return root ? root : "";
}

/* One whole number from root/sys/kernel/mm/ksm/name, or -1. */
static long long ksm_count(const char *root, const char *name)
{
	char path[PATH_MAX];
	long long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s" KSM_DIR "/%s", root, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &value) != 1 || value < 0)
		value = -1;
	fclose(f);
	return value;
}

int ksm_check_running(const char *root, const char *loader)
{
	char path[PATH_MAX];
	long long run;

	snprintf(path, sizeof(path), "%s" KSM_DIR "/run", root);
	if (access(path, F_OK) != 0) {
		pr_err("--loaders %s: %s is missing: this kernel has no KSM (CONFIG_KSM); choose "
		       "another loader",
		       loader, path);
		return -1;
	}
	run = ksm_count(root, "run");
	if (run == 1)
		return 0;
	if (run < 0)
		pr_errno("--loaders %s: %s: cannot read ksmd's state", loader, path);
	else
		pr_err("--loaders %s: %s is %lld: ksmd is not running (echo 1 > %s, or use "
		       "bench/ksm.sh)",
		       loader, path, run, path);
	return -1;
}

/* ksmd's pid: the process whose comm is "ksmd" (a kernel thread), or -1. */
static long ksmd_pid(const char *root)
{
	char path[PATH_MAX], comm[32];
	struct dirent *e;
	long pid = -1;
	DIR *proc;

	snprintf(path, sizeof(path), "%s/proc", root);
	proc = opendir(path);
	while (proc && pid < 0 && (e = readdir(proc)) != NULL) {
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/proc/%s/comm", root, e->d_name);
		f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f) && strcmp(comm, "ksmd\n") == 0)
			pid = strtol(e->d_name, NULL, 10);
		if (f)
			fclose(f);
	}
	if (proc)
		closedir(proc);
	return pid;
}

/* utime + stime of pid in clock ticks, or -1. They are fields 14 and 15 of
 * /proc/PID/stat, counted after the comm's closing parenthesis (a comm
 * may hold spaces and parentheses itself). */
static long long cpu_ticks(const char *root, long pid)
{
	char path[PATH_MAX], line[1024];
	unsigned long long utime, stime;
	const char *after;
	FILE *f;

	if (pid < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/proc/%ld/stat", root, pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	after = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	if (!after || sscanf(after + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			     &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

/*
 * When ksmd has settled. ksmd merges a page only once it has found it
 * unchanged since its previous scan (its checksum), so what a guest wrote
 * last merges during the second full scan that began after the write. At
 * the wait's start (after the last boot) full_scans reads S and scan S+1
 * is under way: it may have begun before that boot ended. Scan S+2 begins
 * after it, S+3 gives every page written before the last boot its second
 * look. Settled: pages_sharing read at some count c >= S+1, and the same
 * at every reading since, up to one at a count >= c+2: a whole scan
 * (c+2 >= S+3), begun after the first of them, merged nothing (or as much
 * as it broke). That is
 * stricter than "two full scans since the boot and no change between the
 * last two": with readings every KSM_POLL_S, several scans may end between
 * two readings, and the scan in progress at a reading is half seen.
 */
struct settle_rule {
	long long start_scans;
	long long base_scans; /* -1: no reading since a scan ended */
	long long base_sharing;
};

static bool rule_settled(struct settle_rule *r, long long scans, long long sharing)
{
	if (scans < r->start_scans + 1)
		return false;
	if (r->base_scans < 0 || sharing != r->base_sharing || scans < r->base_scans) {
		r->base_scans = scans;
		r->base_sharing = sharing;
		return false;
	}
	return scans >= r->base_scans + 2;
}

static double monotonic_now(void *ctx)
{
	(void)ctx;
	return monotonic_s();
}

static void monotonic_sleep(void *ctx, double seconds)
{
	(void)ctx;
	sleep_s(seconds);
}

const struct ksm_clock ksm_monotonic_clock = { monotonic_now, monotonic_sleep, NULL };

void ksm_settle_wait(const char *root, double max_s, const struct ksm_clock *clock,
		     struct ksm_round *out)
{
	struct settle_rule rule = { -1, -1, -1 };
	long pid, hz = sysconf(_SC_CLK_TCK);
	long long ticks, ticks_after;
	double start, waited = 0;
	bool settled = false;

	out->settle_ms = out->ksmd_cpu_ms = -1;
	out->settled = -1;
	if (!(max_s > 0))
		return;
	rule.start_scans = ksm_count(root, "full_scans");
	pid = ksmd_pid(root);
	ticks = cpu_ticks(root, pid);
	start = clock->now(clock->ctx);
	while (rule.start_scans >= 0 && !settled && waited < max_s) {
		long long scans, sharing;

		clock->sleep(clock->ctx, fmin(KSM_POLL_S, max_s - waited));
		waited = clock->now(clock->ctx) - start;
		scans = ksm_count(root, "full_scans");
		sharing = ksm_count(root, "pages_sharing");
		if (scans < 0 || sharing < 0)
			rule.start_scans = -1;
		else
			settled = rule_settled(&rule, scans, sharing);
	}
	if (rule.start_scans < 0) {
		pr_err("%s" KSM_DIR ": cannot read full_scans or pages_sharing: sampling without "
		       "waiting for ksmd",
		       root);
		return; /* its figures are missing, not 0 */
	}
	out->settled = settled;
	out->settle_ms = llround(waited * 1e3);
	ticks_after = cpu_ticks(root, pid);
	if (ticks >= 0 && ticks_after >= ticks && hz > 0)
		out->ksmd_cpu_ms = (ticks_after - ticks) * 1000 / hz;
}

void ksm_read_pages(const char *root, struct ksm_round *out)
{
	out->pages_sharing = ksm_count(root, "pages_sharing");
	out->pages_shared = ksm_count(root, "pages_shared");
}
