// SPDX-License-Identifier: MIT
#include "page_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* close() without losing the errno of the failure being reported. */
static int fail_closing(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
}

int page_cache_resident(const char *path, uint64_t *resident, uint64_t *pages)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	unsigned char *vec = NULL;
	struct stat st;
	void *map;
	size_t len, count;

	*resident = *pages = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		return fail_closing(fd);
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return fail_closing(fd);
	}
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	len = (size_t)st.st_size;
	count = (len + page - 1) / page;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail_closing(fd);
	close(fd);
	vec = malloc(count);
	if (!vec || mincore(map, len, vec) != 0) {
		int saved = errno;

		free(vec);
		munmap(map, len);
		errno = saved;
		return -1;
	}
	*pages = count;
	for (size_t i = 0; i < count; i++)
		*resident += vec[i] & 1;
	free(vec);
	munmap(map, len);
	return 0;
}

int page_cache_evict(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), err;

	if (fd < 0)
		return -1;
	/* DONTNEED only starts the writeback of dirty pages, and keeps them. */
	if (fdatasync(fd) != 0 && errno != EINVAL)
		return fail_closing(fd);
	err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int page_cache_load(const char *path)
{
	enum { CHUNK = 1 << 20 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf = malloc(CHUNK);
	ssize_t got = 0;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((got = read(fd, buf, CHUNK)) > 0 || (got < 0 && errno == EINTR))
		;
	free(buf);
	return got < 0 ? fail_closing(fd) : close(fd);
}
