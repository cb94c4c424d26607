/* SPDX-License-Identifier: MIT */
/* One-line diagnostics on stderr, prefixed with the program's name. */
#ifndef KVMLB_LOG_H
#define KVMLB_LOG_H

#include <stdbool.h>

void log_set_program(const char *name);
void log_set_verbose(bool verbose);

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* pr_err plus strerror(errno), like perror with a format. */
void pr_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
