/* SPDX-License-Identifier: MIT */
/* What a loadbench run measures: parsed once from the command line, then
 * set up for this host. */
#ifndef LOADBENCH_CONFIG_H
#define LOADBENCH_CONFIG_H

struct sharing_log;
struct progress_log;
struct plan_step;
struct image_cache;

#include <stdbool.h>
#include <stdint.h>

#define MAX_INSTANCE_COUNTS 16
#define MAX_LOADERS 4
#define MAX_INSTANCES 1024
#define MAX_ROUNDS 1000
#define MAX_VMMS 3

struct vmm_backend;

enum output_format {
	FORMAT_TEXT = 1 << 0,
	FORMAT_CSV = 1 << 1,
	FORMAT_JSON = 1 << 2,
};

struct bench_config {
	unsigned int instance_counts[MAX_INSTANCE_COUNTS];
	unsigned int nr_instance_counts;
	const char *loaders[MAX_LOADERS];
	unsigned int nr_loaders;
	/* The VMM of each loader (NULL: loadvm, as in configs built by hand). */
	const struct vmm_backend *loader_vmm[MAX_LOADERS];
	const struct vmm_backend *vmms[MAX_VMMS]; /* --vmm, in the order given */
	unsigned int nr_vmms;
	const char *kernel;
	const char *kernel_elf; /* the ELF the VMMs map: kernel, or its unpacked copy */
	const char *initrd;
	const char *cmdline; /* appended to loadvm's default */
	unsigned int mem_mib;
	unsigned int vcpus;
	unsigned int rounds;
	const char *order;	/* --order: "shuffled" or "sequential" */
	uint64_t order_seed;	/* --order-seed */
	struct plan_step *plan; /* the shuffled order; NULL: sequential (run_order.h) */
	double settle_s;
	double timeout_s;
	/* A merging loader's round (backend.h): the longest wait for ksmd to
	 * settle before sampling; 0: no wait. */
	double ksm_settle_max_s;
	const char *ksm_root; /* ksm_settle.h: "" on a host, set up from the environment */
	const char *out_dir;
	const char *resume_dir; /* --resume: continue the run in this directory */
	unsigned int formats;
	bool quiet;
	struct sharing_log *sharing;	 /* sharing.csv, filled while sampling */
	struct progress_log *progress;	 /* progress.log, events as they happen */
	const char *loadvm;		 /* path of the VMM binary */
	const char *kvm_mode;		 /* "native" or "rig", as the caller knows it */
	const char *cache;		 /* --cache: "warm" or "cold" */
	struct image_cache *image_cache; /* the images' page cache, per round */
	/* linux_start_kernel by breakpoint: armed only when the symbol exists. */
	const char *break_symbol;
	const char *system_map;
	const char *break_status; /* how the choice was made, for the outputs */
	/* Every VMM's times by the seed's definitions, from tracefs
	 * (kvm_tracefs.h), or by each VMM's own stamps; and why. */
	bool tracefs_timing;
	const char *timing_why;
	/* Where each VMM's vCPU 0 first enters its guest (the first KVM_RUN). */
	uint64_t first_rips[MAX_VMMS];
	unsigned int nr_first_rips;
};

/* The options into config (a backend's own into its settings, backend.h),
 * checked for their values and for how they fit together; opens none of
 * the inputs and changes nothing on the host (--help goes to stdout).
 * Returns 0 to run, 1 if --help was printed, -1 after a one-line error. */
int bench_config_parse(int argc, char **argv, struct bench_config *config);

/* After parsing, what depends on the host: checks the inputs (a bzImage
 * is unpacked into loadvm's cache), finds the breakpoint's symbol, chooses
 * how times are taken (which may mount tracefs), sets up each VMM (its
 * backend's setup: is it there, what follows for it), checks that ksmd
 * runs for a loader that merges (ksm_settle.h) and fixes the run's order.
 * Returns 0, or -1 after a one-line error. */
int bench_config_setup(struct bench_config *config);

/* Parses "1,2,4" into counts: each a whole number in [1, max], no
 * duplicates. Exposed for tests and fuzzing. */
int parse_instance_list(const char *text, unsigned int *counts, unsigned int max_counts,
			unsigned int *nr);

#endif
