/* SPDX-License-Identifier: MIT */
/*
 * loadbench's comma-separated option values (--instances is in
 * bench_config.h, for tests and fuzzing), how --loaders and --vmm settle
 * each other, and the one-line errors of a bad value. Pure: they read and
 * write only the config. For bench_config.c and the backends' options.
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

/* "--option 'value': expected (see --help)" on stderr; returns -1. */
int option_error(const char *option, const char *value, const char *expected);
/* *out = the choice arg names, or option_error listing the choices. */
int option_one_of(const char *option, const char *arg, const char *const *choices,
		  const char **out);

#endif
