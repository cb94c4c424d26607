// SPDX-License-Identifier: MIT
#include "output_files.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* O_NONBLOCK: opening a FIFO that nobody reads fails (ENXIO) instead of
 * waiting forever; writes block again afterwards, as a slow reader needs. */
static int open_one(struct output_file *out)
{
	const int flags = O_WRONLY | O_NONBLOCK | O_CLOEXEC;

	out->created = false;
	if (strcmp(out->path, "-") == 0)
		return STDOUT_FILENO;
	out->fd = open(out->path, flags | O_CREAT | O_EXCL, 0644);
	if (out->fd >= 0)
		out->created = true;
	else if (errno == EEXIST)
		out->fd = open(out->path, flags);
	if (out->fd < 0 || fcntl(out->fd, F_SETFL, 0) != 0) {
		pr_errno("%s: cannot open %s output", out->path, out->what);
		return -1;
	}
	return out->fd;
}

static void undo(struct output_file *outs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (outs[i].fd > STDERR_FILENO)
			close(outs[i].fd);
		if (outs[i].created && outs[i].path)
			unlink(outs[i].path);
		outs[i].fd = -1;
	}
}

int output_files_open(struct output_file *outs, size_t n)
{
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		outs[i].fd = -1;
		outs[i].created = false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!outs[i].path)
			continue;
		outs[i].fd = open_one(&outs[i]);
		if (outs[i].fd < 0) {
			undo(outs, i + 1);
			return -1;
		}
	}
	/* Only now is an old file's content given up (a pipe has none). */
	for (size_t i = 0; i < n; i++)
		if (outs[i].fd > STDERR_FILENO && fstat(outs[i].fd, &st) == 0 &&
		    S_ISREG(st.st_mode) && ftruncate(outs[i].fd, 0) != 0) {
			pr_errno("%s: cannot truncate %s output", outs[i].path, outs[i].what);
			undo(outs, n);
			return -1;
		}
	return 0;
}
