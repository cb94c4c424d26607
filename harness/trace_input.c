// SPDX-License-Identifier: MIT
#include "trace_input.h"

#include "trace_port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int line_reader_drain(struct line_reader *lr, int fd, line_fn each, void *ctx)
{
	for (;;) {
		ssize_t got = read(fd, lr->line + lr->used, sizeof(lr->line) - 1 - lr->used);
		char *nl;

		if (got == 0)
			return 1;
		if (got < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : 1;
		lr->used += (size_t)got;
		lr->line[lr->used] = '\0';
		while ((nl = strchr(lr->line, '\n')) != NULL) {
			*nl = '\0';
			each(lr->line, ctx);
			lr->used -= (size_t)(nl + 1 - lr->line);
			memmove(lr->line, nl + 1, lr->used + 1);
		}
		if (lr->used == sizeof(lr->line) - 1)
			lr->used = 0; /* an overlong line is garbage: drop it */
	}
}

void trace_set_point(struct instance_result *res, int point, int64_t ns, const char *source,
		     const char *timing)
{
	if (point < 0 || res->point_ns[point] >= 0)
		return; /* unknown points are not tabulated; keep the first of each */
	res->point_ns[point] = ns;
	snprintf(res->point_source[point], sizeof(res->point_source[point]), "%s", source);
	snprintf(res->point_timing[point], sizeof(res->point_timing[point]), "%s", timing);
}

static void keep_first(int64_t *at, int64_t ns)
{
	if (*at < 0)
		*at = ns;
}

static int json_number(const char *line, const char *key, long long *value)
{
	const char *at = strstr(line, key);

	return at && sscanf(at + strlen(key), "%lld", value) == 1 ? 0 : -1;
}

void trace_take_json(struct instance_result *res, const char *line, int64_t zero_ns)
{
	char name[64], source[12];
	long long mono, ns;
	const char *src = strstr(line, "\"source\":\"");

	/* A "missing" record has "ns":null and fails here: no point, as it says. */
	if (sscanf(line, "{\"name\":\"%63[^\"]\"", name) != 1 || json_number(line, "\"ns\":", &ns))
		return;
	/* Without its absolute stamp a point cannot be put on our clock. */
	if (json_number(line, "\"mono_ns\":", &mono))
		return;
	ns = mono - zero_ns;
	/* loadvm's own points, not tabulated as trace points. */
	if (strcmp(name, "vmm_start") == 0) {
		keep_first(&res->vmm_start_ns, ns);
		return;
	}
	if (strcmp(name, "vmm_setup_done") == 0) {
		keep_first(&res->vmm_setup_done_ns, ns);
		return;
	}
	if (!src || sscanf(src + 10, "%11[a-z]", source) != 1)
		snprintf(source, sizeof(source), "?");
	trace_set_point(res, bench_point_from_name(name), ns, source, "vmm");
}

void trace_take_port_byte(struct instance_result *res, unsigned int value, int64_t ns)
{
	const char *name = trace_point_name(value);

	if (name)
		trace_set_point(res, bench_point_from_name(name), ns, "port", "arrival");
}

void tracefs_times_clear(struct tracefs_times *t)
{
	t->exec_ns = t->entry_ns = -1;
	for (int p = 0; p < NR_POINTS; p++)
		t->port_ns[p] = -1;
}

void trace_take_kvm_event(struct tracefs_times *times, const struct kvm_trace_event *event)
{
	const char *name;
	int point;

	switch (event->kind) {
	case KVM_TRACE_EXEC:
		times->exec_ns = event->mono_ns; /* a wrapper's exec comes first */
		break;
	case KVM_TRACE_ENTRY:
		if (times->entry_ns < 0)
			times->entry_ns = event->mono_ns;
		break;
	case KVM_TRACE_PIO:
		name = trace_point_name(event->value);
		point = name ? bench_point_from_name(name) : -1;
		if (point >= 0 && times->port_ns[point] < 0)
			times->port_ns[point] = event->mono_ns;
		break;
	}
}

/* A time before the exec cannot be: missing, not made up. */
static void shift(int64_t *ns, int64_t by)
{
	if (*ns >= 0)
		*ns = *ns >= by ? *ns - by : -1;
}

static void retime(struct instance_result *res, int point, int64_t ns, const char *source)
{
	res->point_ns[point] = ns;
	snprintf(res->point_timing[point], sizeof(res->point_timing[point]), "tracefs");
	if (source)
		snprintf(res->point_source[point], sizeof(res->point_source[point]), "%s", source);
}

void trace_settle(struct instance_result *res, const struct vmm_backend *backend,
		  const struct tracefs_times *times, int64_t pre_exec_ns)
{
	int64_t zero = pre_exec_ns;

	snprintf(res->time_zero, sizeof(res->time_zero), "pre_exec");
	if (times->exec_ns >= 0 && pre_exec_ns > 0 && times->exec_ns >= pre_exec_ns) {
		int64_t by = times->exec_ns - pre_exec_ns;

		for (int p = 0; p < NR_POINTS; p++)
			shift(&res->point_ns[p], by);
		for (unsigned v = 0; v < backend->nr_values; v++)
			if (backend->values[v].kind == VMM_VALUE_TIME)
				shift(&res->vmm_values[v], by);
		shift(&res->vmm_setup_done_ns, by);
		shift(&res->vmm_start_ns, by);
		zero = times->exec_ns;
		snprintf(res->time_zero, sizeof(res->time_zero), "exec");
	}
	res->user_arrival_ns = res->point_ns[POINT_LINUX_START_USER];
	if (pre_exec_ns <= 0)
		return;
	if (times->entry_ns >= zero)
		retime(res, POINT_VMM_INIT_END, times->entry_ns - zero, "kvm_entry");
	/* Only points the VMM also saw come from the port (a breakpoint's
	 * linux_start_kernel has no port write), so no status changes here. */
	for (int p = 0; p < NR_POINTS; p++)
		if (times->port_ns[p] >= zero && res->point_ns[p] >= 0 &&
		    strcmp(res->point_source[p], "port") == 0)
			retime(res, p, times->port_ns[p] - zero, NULL);
	if (times->port_ns[POINT_LINUX_START_USER] >= zero)
		res->user_exit_ns = times->port_ns[POINT_LINUX_START_USER] - zero;
}
