/* SPDX-License-Identifier: MIT */
/*
 * progress.log: one line per event as it happens (a round starts, an
 * instance booted or failed, a round finished), so a watcher outside
 * (run-bench.sh around the nested rig) can tell a long round from a stalled
 * one. Lines are flushed at once but not synced: this file only shows
 * liveness; the journal (resume.h) is what a resumed run trusts.
 *
 *   <unix seconds.ms> <event> key=value ...
 */
#ifndef LOADBENCH_PROGRESS_LOG_H
#define LOADBENCH_PROGRESS_LOG_H

#include <stdio.h>

struct progress_log {
	FILE *f;
};

/* Appends to DIR/progress.log (a resumed run continues the file). */
int progress_log_open(struct progress_log *log, const char *dir);

/* One event line; a NULL or closed log ignores it. */
void progress_log_event(struct progress_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void progress_log_close(struct progress_log *log);

#endif
