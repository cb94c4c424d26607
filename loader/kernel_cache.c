// SPDX-License-Identifier: MIT
#include "kernel_cache.h"

#include "bzimage.h"
#include "mkdirs.h"
#include "input_file.h"
#include "kernel_image.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The cache key: 64-bit FNV-1a over 8-byte little-endian words, seeded
 * with the length. Not the images' identity (that is SHA-256, in the
 * harness): loadvm computes this on every start with a bzImage, inside the
 * boot time it measures, where SHA-256 would cost about 40 times as much
 * (some 50 ms for an 8 MiB bzImage); the entry's name also holds the size. */
static uint64_t cache_key(const uint8_t *bytes, size_t len)
{
	const uint64_t prime = 0x100000001b3ULL;
	uint64_t h = 0xcbf29ce484222325ULL ^ len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t word;

		memcpy(&word, bytes + i, sizeof(word));
		h = (h ^ word) * prime;
	}
	for (; i < len; i++)
		h = (h ^ bytes[i]) * prime;
	return h;
}

static int cache_dir(char *dir, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(dir, size, "%s/kvm-loadbench", xdg);
	else if (home && home[0] == '/')
		n = snprintf(dir, size, "%s/.cache/kvm-loadbench", home);
	else {
		pr_err("no cache directory for unpacked kernels: set XDG_CACHE_HOME or HOME");
		return -1;
	}
	if (n < 0 || (size_t)n >= size || make_dirs(dir)) {
		pr_errno("%s: cannot create the kernel cache", dir);
		return -1;
	}
	return 0;
}

static int write_all(int fd, const uint8_t *bytes, size_t len)
{
	while (len > 0) {
		ssize_t put = write(fd, bytes, len);

		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		bytes += put;
		len -= (size_t)put;
	}
	return 0;
}

/* The temporary file being written, for kernel_cache_abandon() (a signal
 * handler): empty when none. */
static char unpacking[4200];

void kernel_cache_abandon(void)
{
	if (unpacking[0])
		unlink(unpacking);
}

/* Writes under a temporary name, syncs, renames: readers never see half a file. */
static int store(const char *dir, const char *final, const uint8_t *elf, size_t len)
{
	char tmp[sizeof(unpacking)];
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s/.unpack-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		pr_errno("%s: cannot write to the kernel cache", dir);
		return -1;
	}
	memcpy(unpacking, tmp, sizeof(tmp));
	if (write_all(fd, elf, len) || fchmod(fd, 0644) || fdatasync(fd) || close(fd) ||
	    rename(tmp, final)) {
		pr_errno("%s: cannot store the unpacked kernel", final);
		unlink(tmp);
		ret = -1;
	}
	unpacking[0] = '\0';
	return ret;
}

static int unpack(const char *path, const uint8_t *file, size_t size, const char *dir,
		  const char *final)
{
	const uint8_t *payload;
	size_t payload_len, elf_len;
	uint8_t *elf;
	int ret;

	if (bzimage_payload(file, size, path, &payload, &payload_len) ||
	    payload_decompress(payload, payload_len, path, &elf, &elf_len))
		return -1;
	if (elf_len < 4 || memcmp(elf, "\177ELF", 4) != 0) {
		pr_err("%s: bzImage payload is not an ELF kernel", path);
		free(elf);
		return -1;
	}
	ret = store(dir, final, elf, elf_len);
	free(elf);
	return ret;
}

static int resolve_mapped(const char *path, const uint8_t *file, size_t size, char *elf_path,
			  size_t elf_path_size)
{
	char dir[4096];
	struct stat st;
	int n;

	if (!bzimage_detect(file, size)) {
		snprintf(elf_path, elf_path_size, "%s", path);
		return 0;
	}
	if (cache_dir(dir, sizeof(dir)))
		return -1;
	n = snprintf(elf_path, elf_path_size, "%s/vmlinux-%016llx-%zu.elf", dir,
		     (unsigned long long)cache_key(file, size), size);
	if (n < 0 || (size_t)n >= elf_path_size) {
		pr_err("%s: cache path too long", dir);
		return -1;
	}
	if (stat(elf_path, &st) == 0 && st.st_size > 0) {
		pr_info("%s: reusing unpacked kernel %s", path, elf_path);
		return 1;
	}
	if (unpack(path, file, size, dir, elf_path))
		return -1;
	pr_info("%s: unpacked to %s", path, elf_path);
	return 1;
}

int kernel_cache_resolve(const char *path, char *elf_path, size_t elf_path_size)
{
	struct stat st;
	int fd = input_file_open(path, &st);
	void *file;
	int ret;

	if (fd < 0)
		return -1;
	if (st.st_size == 0) {
		close(fd);
		/* Let the ELF parser name the problem (empty file, ...). */
		snprintf(elf_path, elf_path_size, "%s", path);
		return 0;
	}
	file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (file == MAP_FAILED) {
		pr_errno("%s: cannot map", path);
		return -1;
	}
	ret = resolve_mapped(path, file, (size_t)st.st_size, elf_path, elf_path_size);
	munmap(file, (size_t)st.st_size);
	return ret;
}

int kernel_file_open(struct kernel_file *file, struct kernel_image *image, const char *path,
		     const struct image_limits *limits)
{
	int unpacked = kernel_cache_resolve(path, file->elf_path, sizeof(file->elf_path)), fd;
	struct stat st;

	if (unpacked < 0)
		return -1;
	/* The user gave the bzImage: messages about its inner ELF name it. */
	snprintf(file->label, sizeof(file->label), unpacked ? "%s (its unpacked ELF)" : "%s", path);
	fd = input_file_open(file->elf_path, &st);
	if (fd >= 0 && kernel_image_parse_fd(image, fd, file->label, limits) == 0)
		return 0;
	if (fd >= 0)
		close(fd);
	image->fd = -1;
	/* A refused unpacked ELF must not be reused from the cache next time. */
	if (unpacked)
		unlink(file->elf_path);
	return -1;
}
