/* SPDX-License-Identifier: MIT */
/*
 * loadbench's command line as getopt_long sees it: its own options, every
 * registered backend's (backend.h), and the --help text they make up. For
 * bench_config.c, which applies them.
 */
#ifndef LOADBENCH_BENCH_OPTIONS_H
#define LOADBENCH_BENCH_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

enum bench_option {
	OPT_INSTANCES = 256,
	OPT_LOADERS,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_MEM,
	OPT_VCPUS,
	OPT_ROUNDS,
	OPT_ORDER,
	OPT_ORDER_SEED,
	OPT_SETTLE,
	OPT_KSM_SETTLE_MAX,
	OPT_TIMEOUT,
	OPT_OUT,
	OPT_RESUME,
	OPT_FORMAT,
	OPT_CACHE,
	OPT_KVM_MODE,
	OPT_LOADVM,
	OPT_VMM,
	OPT_BREAK_SYMBOL,
	OPT_SYSTEM_MAP,
	OPT_QUIET,
	OPT_HELP,
	/* A backend's option: OPT_BACKEND + its index (backend_at) *
	 * VMM_MAX_OPTIONS + the option's index in its list. */
	OPT_BACKEND = 1024,
};

/* The long options of loadbench and of every registered backend, for
 * getopt_long; NULL-terminated, valid until the next call. */
const struct option *bench_options(void);

/* The --help text: loadbench's options with each backend's lines. */
void bench_usage(FILE *f);

#endif
