// SPDX-License-Identifier: MIT
#include "backend_qemu_images.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* All of in's size bytes into out (a memfd: no page cache of its own to
 * go through, sendfile copies straight into its pages). */
static int copy_all(int in, int out, off_t size)
{
	off_t done = 0;

	while (done < size) {
		ssize_t n = sendfile(out, in, NULL, (size_t)(size - done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the file shrank under us */
			return -1;
		}
		done += n;
	}
	return 0;
}

int private_image_copy(const char *path, const char *name, char *why, size_t why_size)
{
	char memfd_name[64];
	const char *step = "open";
	struct stat st;
	int in = open(path, O_RDONLY | O_CLOEXEC), fd = -1, err;

	if (in < 0 || fstat(in, &st) != 0)
		goto fail;
	snprintf(memfd_name, sizeof(memfd_name), "loadbench-%s", name);
	step = "memfd_create";
	fd = memfd_create(memfd_name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		goto fail;
	step = "copy into its memfd";
	if (copy_all(in, fd, st.st_size) != 0)
		goto fail;
	step = "seal its memfd";
	if (fcntl(fd, F_ADD_SEALS, SEALS) != 0)
		goto fail;
	close(in);
	return fd;
fail:
	err = errno;
	snprintf(why, why_size, "qemu-private: %s (%s): %s", path, step, strerror(err));
	if (fd >= 0)
		close(fd);
	if (in >= 0)
		close(in);
	errno = err;
	return -1;
}
