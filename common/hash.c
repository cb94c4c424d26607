// SPDX-License-Identifier: MIT
#include "hash.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

uint64_t content_hash64(const uint8_t *bytes, size_t len)
{
	uint64_t h = FNV64_OFFSET ^ len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t word;

		memcpy(&word, bytes + i, sizeof(word));
		h = (h ^ word) * FNV64_PRIME;
	}
	for (; i < len; i++)
		h = (h ^ bytes[i]) * FNV64_PRIME;
	return h;
}

int content_hash64_file(const char *path, uint64_t *hash, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *bytes;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	if (st.st_size == 0) {
		close(fd);
		*hash = content_hash64((const uint8_t *)"", 0);
		return 0;
	}
	bytes = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (bytes == MAP_FAILED)
		return -1;
	*hash = content_hash64(bytes, (size_t)st.st_size);
	munmap(bytes, (size_t)st.st_size);
	return 0;
}
