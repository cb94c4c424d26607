// SPDX-License-Identifier: MIT
#include "atomic_file.h"

#include "log.h"

#include <string.h>
#include <unistd.h>

FILE *atomic_open(struct atomic_file *af, const char *dir, const char *name)
{
	snprintf(af->path, sizeof(af->path), "%s/%s", dir, name);
	snprintf(af->tmp, sizeof(af->tmp), "%s/.%s.tmp-%d", dir, name, (int)getpid());
	af->f = fopen(af->tmp, "w");
	if (!af->f)
		pr_errno("%s: cannot write", af->tmp);
	return af->f;
}

int atomic_commit(struct atomic_file *af)
{
	int failed = fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0;

	failed |= fclose(af->f) != 0;
	af->f = NULL;
	if (failed || rename(af->tmp, af->path) != 0) {
		pr_errno("%s: cannot write (disk full?)", af->path);
		unlink(af->tmp);
		return -1;
	}
	return 0;
}
