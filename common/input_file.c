// SPDX-License-Identifier: MIT
#include "input_file.h"

#include "log.h"

#include <fcntl.h>
#include <unistd.h>

const char *input_file_kind(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	default: return "a special file";
	}
}

int input_file_open(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		pr_errno("%s", path);
		return -1;
	}
	if (fstat(fd, st) != 0) {
		pr_errno("%s", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		pr_err("%s: not a regular file (%s)", path, input_file_kind(st));
		close(fd);
		return -1;
	}
	/* Regular files never block anyway; clear the flag so nothing later
	 * mistakes a short read for EAGAIN. */
	if (fcntl(fd, F_SETFL, 0) != 0) {
		pr_errno("%s", path);
		close(fd);
		return -1;
	}
	return fd;
}
