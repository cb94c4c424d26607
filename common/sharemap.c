// SPDX-License-Identifier: MIT
#include "sharemap.h"

#include "elf_offset.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE_BYTES 4096ULL
#define PM_PRESENT (1ULL << 63)
#define PM_FILE_OR_SHARED (1ULL << 61)

static int add_region(struct share_region **regions, size_t *nr, size_t *cap, const char *name,
		      uint64_t offset, uint64_t size)
{
	if (*nr == *cap) {
		size_t grown = *cap ? *cap * 2 : 32;
		struct share_region *more = realloc(*regions, grown * sizeof(**regions));

		if (!more)
			return -1;
		*regions = more;
		*cap = grown;
	}
	snprintf((*regions)[*nr].name, sizeof((*regions)[*nr].name), "%s", name);
	(*regions)[*nr].file_offset = offset;
	(*regions)[*nr].size = size;
	(*nr)++;
	return 0;
}

static int section_regions(Elf *elf, struct share_region **regions, size_t *nr, size_t *cap)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;
		int64_t offset;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0)
			continue;
		offset = elf_file_offset(elf, sh.sh_addr, sh.sh_size);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (offset >= 0 &&
		    add_region(regions, nr, cap, name ? name : "?", (uint64_t)offset, sh.sh_size))
			return -1;
	}
	return 0;
}

static int segment_regions(Elf *elf, struct share_region **regions, size_t *nr, size_t *cap)
{
	size_t phnum;
	char name[32];

	if (elf_getphdrnum(elf, &phnum))
		return -1;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !ph.p_filesz)
			continue;
		snprintf(name, sizeof(name), "PT_LOAD[%zu]", i);
		if (add_region(regions, nr, cap, name, ph.p_offset, ph.p_filesz))
			return -1;
	}
	return 0;
}

static int by_offset(const void *a, const void *b)
{
	const struct share_region *x = a, *y = b;

	return (x->file_offset > y->file_offset) - (x->file_offset < y->file_offset);
}

int sharemap_elf_regions(const char *path, struct share_region **regions, size_t *nr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 0;
	Elf *elf;
	int ret;

	*regions = NULL;
	*nr = 0;
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	ret = section_regions(elf, regions, nr, &cap);
	if (!ret && *nr == 0)
		ret = segment_regions(elf, regions, nr, &cap);
	elf_end(elf);
	close(fd);
	if (!ret && *nr > 0)
		qsort(*regions, *nr, sizeof(**regions), by_offset);
	return ret;
}

/* The region holding a file offset: the last one starting at or before it. */
static long region_of(const struct share_region *regions, size_t nr, uint64_t offset)
{
	long found = -1;

	for (size_t i = 0; i < nr && regions[i].file_offset <= offset; i++)
		if (offset < regions[i].file_offset + regions[i].size)
			found = (long)i;
	return found;
}

struct scan_state {
	int pagemap_fd;
	int mem_fd;  /* /proc/PID/mem, with scan->sites */
	int file_fd; /* the mapped file, likewise */
	const struct share_scan *scan;
	const struct share_region *regions;
	size_t nr;
	struct share_counts *counts;
};

/* Why a copied page was written: the VMM's copy against the file's bytes
 * (zeros past its end, as the mapping has them). */
static void classify(const struct scan_state *s, long r, uint64_t addr, uint64_t offset)
{
	uint8_t file[PAGE_SIZE_BYTES], guest[PAGE_SIZE_BYTES];
	struct page_verdict verdict;
	ssize_t got = -1;

	memset(&verdict, 0, sizeof(verdict));
	verdict.kind = PAGE_UNREAD;
	if (s->mem_fd >= 0 && s->file_fd >= 0 &&
	    pread(s->mem_fd, guest, sizeof(guest), (off_t)addr) == (ssize_t)sizeof(guest))
		got = pread(s->file_fd, file, sizeof(file), (off_t)offset);
	if (got >= 0) {
		memset(file + got, 0, sizeof(file) - (size_t)got);
		page_kind_classify(s->scan->sites, offset, file, guest, sizeof(file), &verdict);
	}
	s->counts[r].kinds[verdict.kind]++;
	s->counts[r].other_bytes += verdict.bytes[PAGE_OTHER];
	if (s->scan->page)
		s->scan->page(s->scan->arg, (size_t)r, offset, &verdict);
}

static void count_vma(const struct scan_state *s, uint64_t start, uint64_t end, uint64_t offset)
{
	for (uint64_t addr = start; addr < end; addr += PAGE_SIZE_BYTES) {
		uint64_t entry = 0, at = offset + (addr - start);
		long r = region_of(s->regions, s->nr, at);
		struct share_counts *c;

		if (r < 0 ||
		    pread(s->pagemap_fd, &entry, sizeof(entry),
			  (off_t)(addr / PAGE_SIZE_BYTES * sizeof(entry))) != sizeof(entry))
			continue;
		c = &s->counts[r];
		c->pages++;
		if (!(entry & PM_PRESENT)) {
			c->untouched++;
		} else if (entry & PM_FILE_OR_SHARED) {
			c->shared++;
		} else {
			c->copied++;
			if (s->scan && s->scan->sites)
				classify(s, r, addr, at);
		}
	}
}

static int open_proc(pid_t pid, const char *what)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int sharemap_scan(pid_t pid, const char *path, const struct share_region *regions, size_t nr,
		  const struct share_scan *scan, struct share_counts *counts)
{
	struct scan_state s = { -1, -1, -1, scan, regions, nr, counts };
	char maps_path[64], line[PATH_MAX + 128], want[PATH_MAX];
	FILE *maps;
	int found = 0;

	memset(counts, 0, nr * sizeof(*counts));
	if (!realpath(path, want))
		return -1;
	snprintf(maps_path, sizeof(maps_path), "/proc/%d/maps", (int)pid);
	maps = fopen(maps_path, "r");
	s.pagemap_fd = open_proc(pid, "pagemap");
	if (scan && scan->sites) {
		s.mem_fd = open_proc(pid, "mem");
		s.file_fd = open(want, O_RDONLY | O_CLOEXEC);
	}
	while (maps && s.pagemap_fd >= 0 && fgets(line, sizeof(line), maps)) {
		unsigned long long start, end, offset;
		char perms[8], file[PATH_MAX];

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095s", &start, &end, perms, &offset,
			   file) != 5 ||
		    strcmp(file, want) != 0 || perms[3] != 'p')
			continue;
		count_vma(&s, start, end, offset);
		found++;
	}
	if (maps)
		fclose(maps);
	if (s.mem_fd >= 0)
		close(s.mem_fd);
	if (s.file_fd >= 0)
		close(s.file_fd);
	if (s.pagemap_fd < 0)
		return -1;
	close(s.pagemap_fd);
	return maps ? found : -1;
}
