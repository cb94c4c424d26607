/* SPDX-License-Identifier: MIT */
/*
 * The VMMs loadbench can measure, behind one ops table: loadvm (our VMM,
 * loaders copy and mmap), QEMU (loaders qemu-private and qemu-shared) and,
 * for tests only, a fake VMM. A backend owns what is particular to its
 * VMM: its options and their settings, how it is found and set up, what
 * the run's context and outputs say about it, the command line of one
 * instance and the fds that instance alone is given, how its trace points
 * arrive, and the figures only it has. The round (round.c) and the outputs
 * do everything else the same way for every backend.
 * Adding a VMM = adding one backend_<name>.c and a line in backend.c.
 *
 * A backend's settings (what its options set, and what its set-up and
 * context find) are its own, one set per process: loadbench runs one
 * configuration. Every op but prepare runs in the harness's main flow.
 */
#ifndef LOADBENCH_BACKEND_H
#define LOADBENCH_BACKEND_H

#include "bench_config.h"
#include "results.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;
struct run_context;

#define TRACE_FD 3   /* trace channel: every backend's instance writes it */
#define VMM_LOG_FD 4 /* a VMM's own trace log, for backends that have one */
/* An instance's own fds (struct vmm_launch.fds) are its fds 5, 6, ... */
#define VMM_FIRST_PASSED_FD 5
#define VMM_MAX_FDS 2
#define VMM_MAX_ARGS 48
#define VMM_MAX_OPTIONS 8	     /* of one backend */
#define VMM_MAX_ARRIVAL_METRICS 4    /* struct vmm_arrival.metrics */
#define VMM_MAX_INIT_END_SOURCES 3   /* struct vmm_arrival.init_end_sources */
#define VMM_FIRST_RIP_PVH UINT64_MAX /* vmm_backend.first_rip: the kernel's PVH entry */

/* How the trace channel (fd 3) carries trace points. */
enum trace_channel {
	/* JSON Lines with the VMM's own timestamps (loadvm --trace). */
	TRACE_JSON_LINES,
	/* Raw bytes the guest wrote to port 0xf4 (QEMU's isa-debugcon):
	 * loadbench stamps each on arrival. */
	TRACE_PORT_BYTES,
};

/* What one instance runs: its argv and the fds opened for it alone. */
struct vmm_launch {
	const char *argv[VMM_MAX_ARGS];
	unsigned int argc;
	char strings[12][1024]; /* storage for formatted arguments */
	unsigned int nr_strings;
	/* fds[i] becomes the child's fd VMM_FIRST_PASSED_FD + i; the harness
	 * closes its own copies as soon as the child is forked, so what they
	 * hold lives exactly as long as the VMM. */
	int fds[VMM_MAX_FDS];
	unsigned int nr_fds;
	char serial[PATH_MAX]; /* the guest console's file, "" if none */
	char failure[160];     /* why prepare failed, one line; "" if it did not say */
};

/* A figure only this VMM has: instance_result.vmm_values[i] is values[i]
 * of the row's backend, and raw.csv has a column for it. */
enum vmm_value_kind {
	/* ns since time zero: moved with the trace points when tracefs saw
	 * the exec (trace_settle); an empty cell when missing (< 0). */
	VMM_VALUE_TIME,
	/* A difference in ns, kept even when negative (clock error): written
	 * only where the value before it was measured; -1: unknown. */
	VMM_VALUE_LAG,
};

struct vmm_value {
	const char *column; /* raw.csv's header name */
	enum vmm_value_kind kind;
};

/* Figures of how a VMM's trace points reached loadbench, summarised for
 * its groups (summary.json's vmm_init_end_sources and arrival_ms). */
struct vmm_arrival {
	const char *const *metrics; /* NULL-terminated names */
	/* A booted instance's value of metrics[which] (ms), or NAN. */
	double (*value)(const struct instance_result *res, unsigned int which);
	/* The vmm_init_end sources its groups count, NULL-terminated. */
	const char *const *init_end_sources;
};

/* Where a backend's json op writes: config.json, or summary.json's context. */
enum vmm_json { VMM_JSON_CONFIG, VMM_JSON_SUMMARY };

struct vmm_backend {
	const char *name;
	const char *const *loaders; /* NULL-terminated, in "before -> after" order */
	/* Also accepted by --loaders, but not run unless named (variants). */
	const char *const *more_loaders;
	/* Of its loaders, those that madvise(MADV_MERGEABLE) the images' guest
	 * pages: ksmd must run (config_setup.c) and a round waits for it to
	 * settle (ksm_settle.h). NULL: none. */
	const char *const *merging_loaders;
	enum trace_channel trace;
	bool log_channel;	   /* the VMM writes its trace log to VMM_LOG_FD */
	unsigned int overhead_mib; /* the VMM's own pages per instance, generously */
	/* Where its vCPU 0 first enters the guest (tracefs's first KVM_RUN):
	 * an address, VMM_FIRST_RIP_PVH, or 0 if it runs no KVM guest. */
	uint64_t first_rip;
	/* comparisons.h: its mapping loaders save every PT_LOAD byte of the
	 * kernel (the VMM maps the file for its own copy, which no guest
	 * writes), not only the read-only ones. */
	bool saves_whole_kernel;
	/* Registered only where KVMLB_TEST_BACKENDS=1 (a test's VMM). */
	bool test_only;

	/* Its options, NULL-terminated names (--NAME VALUE; each takes a
	 * value), and their --help lines. parse_option(index into options,
	 * value) writes only the backend's settings: 0, or -1 after a one-line
	 * error naming the option. reset: the settings' defaults, before every
	 * parse. NULL: no options. */
	const char *const *options;
	const char *usage;
	void (*reset)(void);
	int (*parse_option)(unsigned int option, const char *arg);
	/* Once, before anything runs (bench_config_setup), after the way times
	 * are taken is chosen (config->tracefs_timing): is the VMM there, do
	 * the options make sense? May fill derived settings. One line on
	 * stderr and -1 if not. */
	int (*setup)(struct bench_config *config);
	/* The run's context (context_collect, once ctx's host facts are in),
	 * e.g. its version, and a warning about what will not run on this
	 * host. May be NULL. */
	void (*context)(const struct bench_config *config, const struct run_context *ctx);
	/* The members of its object (key: its name) in config.json and in
	 * summary.json's context, where the run measures it; config.json has
	 * a null in its place otherwise. May be NULL: no object at all. */
	void (*json)(struct json_writer *j, const struct bench_config *config, enum vmm_json where);
	/* Its paragraph in the tables' heading (when measured); may be NULL. */
	void (*heading)(FILE *f, const struct bench_config *config);
	/* Its own name for a tabulated point, shown next to loadbench's
	 * (e.g. qemu_init_end for vmm_init_end); NULL: none. */
	const char *point_labels[NR_POINTS];
	/* Trace intake: one line of its log channel (log_channel), arrived
	 * arrival_ns after time zero (arrival_real_ns on CLOCK_REALTIME);
	 * then, after the round and before trace_settle, finish. May be NULL. */
	void (*log_line)(struct instance_result *res, const char *line, int64_t arrival_ns,
			 int64_t arrival_real_ns);
	void (*finish)(struct instance_result *res);
	/* Its own figures (instance_result.vmm_values), at most
	 * VMM_MAX_VALUES; every run's raw.csv has their columns. */
	const struct vmm_value *values;
	unsigned int nr_values;
	const struct vmm_arrival *arrival; /* NULL: its points carry their own stamps */

	/* MiB that the loader adds per instance beyond overhead_mib (copies). */
	unsigned int (*extra_mib)(const struct bench_config *config, unsigned int loader);
	/* Per instance, before the round starts: argv and the instance's own
	 * fds (launch_pass_fd). -1 on failure, with launch->failure saying why;
	 * the fds already passed are closed by the round. */
	int (*prepare)(const struct bench_config *config, unsigned int loader,
		       struct vmm_launch *launch);
};

extern const struct vmm_backend backend_loadvm;

/* The registered backends: index 0 .. backend_count() - 1, in a fixed
 * order (the test-only ones only where KVMLB_TEST_BACKENDS=1). */
unsigned int backend_count(void);
const struct vmm_backend *backend_at(unsigned int index);
/* The backend called name, or NULL. */
const struct vmm_backend *backend_find(const char *name);
/* The backend that offers loader name, or NULL; *loader_name gets the
 * backend's own string for it. */
const struct vmm_backend *backend_of_loader(const char *name, const char **loader_name);
/* "copy, mmap, qemu-private, qemu-shared": every known loader, for messages. */
const char *backend_all_loaders(void);
/* "loadvm and/or qemu": every backend's name, for messages. */
const char *backend_all_names(void);
/* The backend of a configured loader; loadvm for hand-built configs. */
const struct vmm_backend *loader_backend(const struct bench_config *config, unsigned int loader);
/* True if the configured loader's guest RAM is for ksmd to merge. */
bool loader_merges(const struct bench_config *config, unsigned int loader);
/* True if the run measures this VMM. */
bool config_has_vmm(const struct bench_config *config, const struct vmm_backend *backend);

/* Appends one argument to launch->argv (kept NULL-terminated). */
void launch_arg(struct vmm_launch *launch, const char *arg);
/* Formats an argument into launch's own storage and appends it. */
void launch_argf(struct vmm_launch *launch, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands fd (owned by launch from now on) to the instance: the fd number
 * it will have in the VMM, or -1 (fd closed) if launch has no room. */
int launch_pass_fd(struct vmm_launch *launch, int fd);
/* Closes the harness's copies of the passed fds (idempotent). */
void launch_close_fds(struct vmm_launch *launch);

#endif
