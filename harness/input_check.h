/* SPDX-License-Identifier: MIT */
/*
 * loadbench refuses, before anything starts, what its VMMs would refuse in
 * every instance of every round: images that are no readable regular
 * files, a kernel or initrd loadvm cannot load (checked with loadvm's own
 * parsing code), a command line that does not fit loadvm's slot.
 */
#ifndef LOADBENCH_INPUT_CHECK_H
#define LOADBENCH_INPUT_CHECK_H

struct bench_config;

#include <stdint.h>

/* What loadvm will make of the kernel (loadvm measured; else 0 and NULL). */
struct kernel_facts {
	uint64_t pvh_entry;   /* where it starts the kernel */
	const char *elf_path; /* the ELF it maps: --kernel, or a bzImage's unpacked copy */
};

/* 0, or -1 after one line naming the input. */
int input_check(const struct bench_config *config, struct kernel_facts *facts);

#endif
