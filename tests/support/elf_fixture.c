// SPDX-License-Identifier: MIT
#include "elf_fixture.h"

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NOTE_OFFSET 0x200

struct pvh_note {
	Elf64_Nhdr header;
	char name[4];
	uint32_t entry;
};

void elf_fixture_default(struct elf_fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->machine = EM_X86_64;
	f->type = ET_EXEC;
	f->nr_segments = 1;
	f->segments[0] = (struct fixture_segment){ FIXTURE_LOAD_ADDR, 0x1000, 0x2000, 0x3000 };
	f->has_pvh_note = 1;
	f->pvh_entry = (uint32_t)FIXTURE_LOAD_ADDR;
}

static uint64_t natural_size(const struct elf_fixture *f)
{
	uint64_t size = 0x1000;

	for (unsigned i = 0; i < f->nr_segments; i++) {
		const struct fixture_segment *s = &f->segments[i];
		/* Sizes past 1 GiB are overflow tests: they need no bytes. */
		if (s->offset < (1ULL << 30) && s->filesz < (1ULL << 30) &&
		    s->offset + s->filesz > size)
			size = s->offset + s->filesz;
	}
	return size;
}

static void write_headers(const struct elf_fixture *f, uint8_t *image)
{
	Elf64_Ehdr *ehdr = (Elf64_Ehdr *)image;
	Elf64_Phdr *phdr = (Elf64_Phdr *)(image + sizeof(*ehdr));
	unsigned n = 0;

	memcpy(ehdr->e_ident, ELFMAG, SELFMAG);
	ehdr->e_ident[EI_CLASS] = ELFCLASS64;
	ehdr->e_ident[EI_DATA] = ELFDATA2LSB;
	ehdr->e_ident[EI_VERSION] = EV_CURRENT;
	ehdr->e_type = f->type;
	ehdr->e_machine = f->machine;
	ehdr->e_version = EV_CURRENT;
	ehdr->e_entry = f->pvh_entry;
	ehdr->e_phoff = sizeof(*ehdr);
	ehdr->e_ehsize = sizeof(*ehdr);
	ehdr->e_phentsize = sizeof(*phdr);
	for (unsigned i = 0; i < f->nr_segments; i++, n++) {
		const struct fixture_segment *s = &f->segments[i];

		phdr[n] = (Elf64_Phdr){ .p_type = PT_LOAD,
					.p_flags = PF_R | PF_X,
					.p_offset = s->offset,
					.p_vaddr = s->paddr,
					.p_paddr = s->paddr,
					.p_filesz = s->filesz,
					.p_memsz = s->memsz,
					.p_align = 0x1000 };
	}
	if (f->has_pvh_note) {
		struct pvh_note note = { { 4, 4, 18 }, "Xen", f->pvh_entry };

		memcpy(image + NOTE_OFFSET, &note, sizeof(note));
		phdr[n++] = (Elf64_Phdr){ .p_type = PT_NOTE,
					  .p_flags = PF_R,
					  .p_offset = NOTE_OFFSET,
					  .p_filesz = sizeof(note),
					  .p_memsz = sizeof(note),
					  .p_align = 4 };
	}
	ehdr->e_phnum = (Elf64_Half)n;
	if (f->elf_class)
		ehdr->e_ident[EI_CLASS] = f->elf_class;
	if (f->phentsize)
		ehdr->e_phentsize = f->phentsize;
	if (f->phnum)
		ehdr->e_phnum = f->phnum;
}

static int memfd_with(const uint8_t *bytes, uint64_t size)
{
	int fd = memfd_create("fixture", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, bytes, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return fd;
}

int elf_fixture_fd(const struct elf_fixture *f)
{
	uint64_t size = natural_size(f);
	uint8_t *image = malloc(size);
	int fd;

	if (!image)
		return -1;
	for (uint64_t off = 0; off < size; off++)
		image[off] = fixture_byte(off);
	memset(image, 0, 0x1000); /* headers page */
	write_headers(f, image);
	if (f->code && f->nr_segments && f->segments[0].offset + f->code_len <= size)
		memcpy(image + f->segments[0].offset, f->code, f->code_len);
	fd = memfd_with(image, f->truncate_to ? f->truncate_to : size);
	free(image);
	return fd;
}

int pattern_file_fd(uint64_t size)
{
	uint8_t *bytes = malloc(size);
	int fd;

	if (!bytes)
		return -1;
	for (uint64_t off = 0; off < size; off++)
		bytes[off] = fixture_byte(off);
	fd = memfd_with(bytes, size);
	free(bytes);
	return fd;
}

int elf_fixture_write(const struct elf_fixture *f, const char *path)
{
	int in = elf_fixture_fd(f), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char buf[4096];
	ssize_t got;
	int ret = in < 0 || out < 0 ? -1 : 0;

	if (!ret && lseek(in, 0, SEEK_SET) != 0)
		ret = -1;
	while (!ret && (got = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)got) != got)
			ret = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}
