/* SPDX-License-Identifier: MIT */
/* Output files are written under a temporary name and renamed into place
 * once complete and synced: an interrupted run never leaves a half-written
 * file that looks finished. */
#ifndef LOADBENCH_ATOMIC_FILE_H
#define LOADBENCH_ATOMIC_FILE_H

#include <stdio.h>

struct atomic_file {
	FILE *f;
	char tmp[4200];
	char path[4096];
	int error; /* atomic_fail's errno */
};

/* Opens dir/name's temporary; NULL after a one-line error. */
FILE *atomic_open(struct atomic_file *af, const char *dir, const char *name);
/* The writer could not produce the whole file (errno says why, as it is
 * now): atomic_commit will then fail. */
void atomic_fail(struct atomic_file *af);
/* Flushes, syncs, closes and renames; -1 after a one-line error (the
 * temporary is removed, any earlier file of that name is left intact). */
int atomic_commit(struct atomic_file *af);

#endif
