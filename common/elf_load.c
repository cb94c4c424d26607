// SPDX-License-Identifier: MIT
#include "elf_load.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sum_segments(Elf *elf, uint64_t file_size, const char *path, struct elf_load_bytes *out,
			char *why, size_t why_size)
{
	size_t phnum;

	if (elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &phnum) != 0) {
		snprintf(why, why_size, "%s is not an ELF file", path);
		return -1;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			snprintf(why, why_size, "%s: program header %zu cannot be read", path, i);
			return -1;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset) {
			snprintf(why, why_size, "%s: PT_LOAD %zu runs past the end of the file",
				 path, i);
			return -1;
		}
		out->all += ph.p_filesz;
		if (!(ph.p_flags & PF_W))
			out->readonly += ph.p_filesz;
	}
	return 0;
}

int elf_load_bytes(const char *path, struct elf_load_bytes *out, char *why, size_t why_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	Elf *elf;
	int ret;

	memset(out, 0, sizeof(*out));
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		snprintf(why, why_size, "%s is not an ELF file", path);
		close(fd);
		return -1;
	}
	ret = sum_segments(elf, (uint64_t)st.st_size, path, out, why, why_size);
	elf_end(elf);
	close(fd);
	return ret;
}
