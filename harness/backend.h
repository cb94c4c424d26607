/* SPDX-License-Identifier: MIT */
/*
 * The VMMs loadbench can measure, behind one small ops table: loadvm (our
 * VMM, loaders copy and mmap) and QEMU (loaders qemu-private and
 * qemu-shared). A backend builds the command line of one instance, opens
 * the fds that instance alone is given, and says how its trace points
 * arrive; the round (round.c) does everything else the same way for
 * every backend.
 * Adding a VMM = adding one backend_<name>.c and a line in backend.c.
 */
#ifndef LOADBENCH_BACKEND_H
#define LOADBENCH_BACKEND_H

#include "bench_config.h"

#include <limits.h>
#include <stdbool.h>

#define TRACE_FD 3   /* trace channel: every backend's instance writes it */
#define VMM_LOG_FD 4 /* a VMM's own trace log, for backends that have one */
/* An instance's own fds (struct vmm_launch.fds) are its fds 5, 6, ... */
#define VMM_FIRST_PASSED_FD 5
#define VMM_MAX_FDS 2
#define VMM_MAX_ARGS 48

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
	/* Once, before anything runs (bench_config_setup): is the VMM there,
	 * do the options make sense? One line on stderr and -1 if not. May
	 * fill config fields. */
	int (*check)(struct bench_config *config);
	/* MiB that the loader adds per instance beyond overhead_mib (copies). */
	unsigned int (*extra_mib)(const struct bench_config *config, unsigned int loader);
	/* Per instance, before the round starts: argv and the instance's own
	 * fds (launch_pass_fd). -1 on failure, with launch->failure saying why;
	 * the fds already passed are closed by the round. */
	int (*prepare)(const struct bench_config *config, unsigned int loader,
		       struct vmm_launch *launch);
};

extern const struct vmm_backend backend_loadvm;
extern const struct vmm_backend backend_qemu;

/* The backend called name, or NULL. */
const struct vmm_backend *backend_find(const char *name);
/* The backend that offers loader name, or NULL; *loader_name gets the
 * backend's own string for it. */
const struct vmm_backend *backend_of_loader(const char *name, const char **loader_name);
/* "copy, mmap, qemu-private, qemu-shared": every known loader, for messages. */
const char *backend_all_loaders(void);
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
