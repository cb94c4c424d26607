// SPDX-License-Identifier: MIT
#include "initrd.h"

#include "guest_layout.h"
#include "input_file.h"
#include "log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int placement(struct initrd *initrd, uint64_t size, uint64_t ram_bytes, uint64_t lowest_free)
{
	uint64_t gpa;

	if (size > ram_bytes || ram_bytes - size < lowest_free) {
		pr_err("%s: initrd of %llu bytes is larger than the free guest RAM "
		       "(%llu bytes above the kernel; raise --mem?)",
		       initrd->path, (unsigned long long)size,
		       (unsigned long long)(ram_bytes > lowest_free ? ram_bytes - lowest_free : 0));
		return -1;
	}
	gpa = (ram_bytes - size) & ~(GUEST_PAGE_SIZE - 1);
	if (gpa < lowest_free) {
		pr_err("%s: initrd does not fit page-aligned above the kernel (raise --mem?)",
		       initrd->path);
		return -1;
	}
	initrd->extent.gpa = gpa;
	initrd->extent.file_offset = 0;
	initrd->extent.file_size = size;
	initrd->extent.mem_size = size;
	return 0;
}

int initrd_open(struct initrd *initrd, const char *path, uint64_t ram_bytes, uint64_t lowest_free)
{
	struct stat st;

	initrd->path = path;
	initrd->fd = input_file_open(path, &st);
	if (initrd->fd < 0)
		return -1;
	if (st.st_size == 0) {
		pr_err("%s: empty file", path);
	} else if (!placement(initrd, (uint64_t)st.st_size, ram_bytes, lowest_free)) {
		return 0;
	}
	initrd_close(initrd);
	return -1;
}

void initrd_close(struct initrd *initrd)
{
	if (initrd->fd >= 0)
		close(initrd->fd);
	initrd->fd = -1;
}
