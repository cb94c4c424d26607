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

/* 0, or -1 after one line naming the input. *pvh_entry: where loadvm will
 * start the kernel (0 if loadvm is not measured). */
int input_check(const struct bench_config *config, uint64_t *pvh_entry);

#endif
