/* SPDX-License-Identifier: MIT */
/* Running the project's real binaries from tests: spawn with output to
 * files, wait with a deadline, read what they wrote. */
#ifndef TESTS_SPAWN_H
#define TESTS_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Starts argv[0] with stdout and stderr redirected to the given files. */
pid_t spawn_cmd(const char *const argv[], const char *stdout_path, const char *stderr_path);

/* Waits for pid; returns its exit status, 128+N if killed by signal N, or
 * -1 if it had to be killed after timeout_s. */
int wait_cmd(pid_t pid, double timeout_s);

/* spawn_cmd + wait_cmd. */
int run_cmd(const char *const argv[], const char *stdout_path, const char *stderr_path,
	    double timeout_s);

/* Whole file as a NUL-terminated string (caller frees), or NULL. */
char *slurp(const char *path);

/* Polls path until it contains needle or timeout_s passes. */
bool wait_for_text(const char *path, const char *needle, double timeout_s);

/* A fresh scratch directory under build/test-tmp for this program. */
const char *test_dir(void);
/* test_dir()/name, in a static rotating buffer. */
const char *test_path(const char *name);

/* Paths of the project's artefacts, overridable through the environment
 * (LOADVM, PROBE_ELF, PROBE_SUM, LOADBENCH). */
const char *loadvm_path(void);
const char *probe_elf_path(void);
const char *probe_sum_path(void);
const char *loadbench_path(void);

/* Writes size bytes of a fixed pattern to path and returns the probe-sum
 * value of it in hex (static buffer). fsyncs, so page-cache pages are clean. */
const char *make_test_initrd(const char *path, uint64_t size);

/* fsync an existing file, so its page-cache pages are clean (smaps counts
 * dirty file pages as *_Dirty). */
void sync_file(const char *path);

/* True when /dev/kvm is usable (KVMLB_KVM=none says it is not). */
bool have_kvm(void);
/* Exits 77 (skipped), saying why, when /dev/kvm is not usable. */
void require_kvm(const char *program);

#endif
