/* SPDX-License-Identifier: MIT */
/*
 * loadbench's comma-separated option values (--instances is in
 * bench_config.h, for tests and fuzzing), and how --loaders and --vmm
 * settle each other. Pure: they read and write only the config. For
 * bench_config.c, which reports the errors.
 */
#ifndef LOADBENCH_OPTION_LISTS_H
#define LOADBENCH_OPTION_LISTS_H

struct bench_config;

/* Each returns 0, or -1 (nothing printed) for an empty, unknown or
 * repeated item. */
int parse_loader_list(const char *text, struct bench_config *config);
int parse_vmm_list(const char *text, struct bench_config *config);
int parse_format_list(const char *text, unsigned int *formats);

/* Fills in the VMMs and loaders not given; 0, or -1 after one line when
 * the two lists do not fit together. */
int resolve_loaders(struct bench_config *config);

#endif
