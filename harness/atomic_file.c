// SPDX-License-Identifier: MIT
#include "atomic_file.h"

#include "log.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

FILE *atomic_open(struct atomic_file *af, const char *dir, const char *name)
{
	af->error = 0;
	snprintf(af->path, sizeof(af->path), "%s/%s", dir, name);
	snprintf(af->tmp, sizeof(af->tmp), "%s/.%s.tmp-%d", dir, name, (int)getpid());
	af->f = fopen(af->tmp, "w");
	if (!af->f)
		pr_errno("%s: cannot write", af->tmp);
	return af->f;
}

void atomic_fail(struct atomic_file *af)
{
	af->error = errno ? errno : EIO;
}

int atomic_commit(struct atomic_file *af)
{
	int failed = fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0;

	failed |= fclose(af->f) != 0;
	af->f = NULL;
	if (!failed && af->error) {
		/* The stream is fine: the writer failed (no memory), not the disk. */
		errno = af->error;
		pr_errno("%s: cannot write", af->path);
	} else if (failed || rename(af->tmp, af->path) != 0) {
		pr_errno("%s: cannot write (disk full?)", af->path);
	} else {
		return 0;
	}
	unlink(af->tmp);
	return -1;
}
