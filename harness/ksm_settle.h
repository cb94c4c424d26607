/* SPDX-License-Identifier: MIT */
/*
 * ksmd, for the loaders that mark guest pages MADV_MERGEABLE (backend.h's
 * merging_loaders): is it running, has it settled after a round's boots,
 * and what did it cost. Merged pages only count once ksmd has been over
 * them, so a round samples its memory after the wait.
 *
 * The files: /sys/kernel/mm/ksm/{run,full_scans,pages_sharing,pages_shared}
 * and ksmd's /proc/PID/{comm,stat}, under root: "" on a host, a directory
 * of stand-ins in tests ($KVMLB_KSM_ROOT, read once by config_setup.c).
 */
#ifndef LOADBENCH_KSM_SETTLE_H
#define LOADBENCH_KSM_SETTLE_H

#include "results.h"

#define KSM_ROOT_ENV "KVMLB_KSM_ROOT"
#define KSM_POLL_S 0.1 /* between two readings of ksmd's counters */

/* "", or $KVMLB_KSM_ROOT: a test's directory with sys/ and proc/ in it. */
const char *ksm_root_from_env(void);

/* 0 if ksmd runs (run is 1); else -1 after one line naming loader, the
 * file and the fix. */
int ksm_check_running(const char *root, const char *loader);

/* The wait's clock; tests step a clock of their own and rewrite the files
 * between readings. */
struct ksm_clock {
	double (*now)(void *ctx);
	void (*sleep)(void *ctx, double seconds);
	void *ctx;
};
extern const struct ksm_clock ksm_monotonic_clock;

/* Reads ksmd's counters every KSM_POLL_S until it has settled (the rule is
 * in ksm_settle.c) or max_s passed; fills out's settle_ms, settled and
 * ksmd_cpu_ms. max_s 0: no wait, those stay -1. A SIGINT or SIGTERM ends
 * it as it ends the run (main.c). */
void ksm_settle_wait(const char *root, double max_s, const struct ksm_clock *clock,
		     struct ksm_round *out);

/* pages_sharing and pages_shared now, into out (-1 if unreadable). */
void ksm_read_pages(const char *root, struct ksm_round *out);

#endif
