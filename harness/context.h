/* SPDX-License-Identifier: MIT */
/* The circumstances of a run, recorded next to its numbers so a reader can
 * tell whether two runs are comparable. */
#ifndef LOADBENCH_CONTEXT_H
#define LOADBENCH_CONTEXT_H

#include "bench_config.h"
#include "image_cache.h"
#include "kernel_load.h"
#include "sha256.h"

#include <stddef.h>
#include <stdint.h>

struct image_info {
	const char *path;
	uint64_t bytes;
	char sha256[SHA256_HEX_SIZE]; /* lowercase hex, as sha256sum prints it */
	int present;
};

struct run_context {
	char date[32]; /* UTC, ISO 8601 */
	char host[72];
	char host_kernel[160];
	char cpu[128];
	char kvm_mode[16]; /* native, emulated, rig or unknown */
	char thp[32];	   /* /sys/kernel/mm/transparent_hugepage/enabled */
	char ksm[16];	   /* /sys/kernel/mm/ksm/run */
	/* ksmd's pace, which its settle times depend on (ksm_settle.h) */
	char ksm_pages_to_scan[16];
	char ksm_sleep_millisecs[16];
	char loadvm_version[96];
	struct image_info kernel;
	struct image_info initrd;
	struct kernel_load kernel_elf; /* what the VMMs map of the kernel */
	unsigned int resumes;	       /* times this run was continued with --resume */
	/* The images in the page cache (--cache), filled by image_cache_start
	 * once nothing but the VMMs will read them. */
	struct image_cache cache;
};

/* The host's facts, the images' digests, and what each measured VMM's
 * backend adds (its version: backend.h's context op). */
void context_collect(struct run_context *ctx, const struct bench_config *config);

/* The first line a program (argv[0], a path; no shell) writes to stdout,
 * or fallback: a VMM's version. */
void context_command_line(const char *const argv[], char *out, size_t size, const char *fallback);

/* results/<UTC date>-<host> for a run started now. */
void context_default_out_dir(char *out, size_t size);

#endif
