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

static void set_point(struct instance_result *res, int point, int64_t ns, const char *source)
{
	if (point < 0 || res->point_ns[point] >= 0)
		return; /* unknown points are not tabulated; keep the first of each */
	res->point_ns[point] = ns;
	snprintf(res->point_source[point], sizeof(res->point_source[point]), "%s", source);
}

void trace_take_json(struct instance_result *res, const char *line)
{
	char name[64], source[12];
	unsigned long long ns;
	const char *at = strstr(line, "\"ns\":");
	const char *src = strstr(line, "\"source\":\"");

	/* A "missing" record has "ns":null and fails here: no point, as it says. */
	if (sscanf(line, "{\"name\":\"%63[^\"]\"", name) != 1 || !at ||
	    sscanf(at + 5, "%llu", &ns) != 1)
		return;
	if (!src || sscanf(src + 10, "%11[a-z]", source) != 1)
		snprintf(source, sizeof(source), "?");
	set_point(res, bench_point_from_name(name), (int64_t)ns, source);
}

void trace_take_port_byte(struct instance_result *res, unsigned int value, int64_t ns)
{
	const char *name = trace_point_name(value);

	if (name)
		set_point(res, bench_point_from_name(name), ns, "port");
}

void trace_take_qemu_log(struct instance_result *res, const char *line, int64_t arrival_ns,
			 int64_t arrival_real_ns)
{
	unsigned long long sec, usec;
	int pid, running, n = 0;
	const char *event = NULL;

	/* 1234@1795677868.022896:vm_state_notify running 1 reason 9 (running) */
	if (sscanf(line, "%d@%llu.%llu:%n", &pid, &sec, &usec, &n) == 3 && n > 0)
		event = line + n;
	else if (strncmp(line, "vm_state_notify ", 16) == 0)
		event = line; /* without timestamps: no lag to tell */
	if (!event || sscanf(event, "vm_state_notify running %d", &running) != 1 || running != 1 ||
	    res->vm_running_ns >= 0)
		return;
	res->vm_running_ns = arrival_ns;
	if (n)
		res->vm_running_lag_ns =
			arrival_real_ns - (int64_t)(sec * 1000000000ULL + usec * 1000ULL);
}

void trace_take_kvm_event(struct instance_result *res, const struct kvm_trace_event *event,
			  int64_t zero_ns)
{
	int64_t ns = event->mono_ns - zero_ns;

	if (event->kind == KVM_TRACE_ENTRY)
		set_point(res, POINT_VMM_INIT_END, ns, "kvm_entry");
	else if (event->value == TP_LINUX_START_USER && res->user_exit_ns < 0)
		res->user_exit_ns = ns;
}

void trace_finish_qemu(struct instance_result *res)
{
	if (res->vm_running_ns >= 0)
		set_point(res, POINT_VMM_INIT_END, res->vm_running_ns, "vm_state");
}
