// SPDX-License-Identifier: MIT
#include "section_elf.h"

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_SECTIONS 32
#define MAX_SYMBOLS 16
#define STRTAB_SIZE 1024

struct strtab {
	char bytes[STRTAB_SIZE];
	size_t len;
};

/* Appends name and returns its index (the empty name at 0 comes first). */
static uint32_t intern(struct strtab *t, const char *name)
{
	size_t n = strlen(name) + 1;
	uint32_t at = (uint32_t)t->len;

	if (t->len + n > sizeof(t->bytes))
		abort(); /* a fixture too big for this builder: a test bug */
	memcpy(t->bytes + t->len, name, n);
	t->len += n;
	return at;
}

struct layout {
	uint64_t shstrtab, strtab, symtab, shdrs, end;
	unsigned nr_shdrs;
};

static struct layout lay_out(const struct section_elf *e, size_t shstr_len, size_t str_len)
{
	struct layout l;

	l.shstrtab = e->offset + e->size;
	l.strtab = l.shstrtab + shstr_len;
	l.symtab = (l.strtab + str_len + 7) & ~7ULL;
	l.shdrs = l.symtab + (e->nr_symbols ? (e->nr_symbols + 1) * sizeof(Elf64_Sym) : 0);
	l.shdrs = (l.shdrs + 7) & ~7ULL;
	/* null, the caller's, .shstrtab, and .strtab with .symtab */
	l.nr_shdrs = 1 + e->nr_sections + 1 + (e->nr_symbols ? 2 : 0);
	l.end = l.shdrs + l.nr_shdrs * sizeof(Elf64_Shdr);
	return l;
}

static void write_ehdr(uint8_t *image, const struct section_elf *e, const struct layout *l)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)image;
	Elf64_Phdr *ph = (Elf64_Phdr *)(image + sizeof(*eh));

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = e->vaddr;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = l->shdrs;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = (Elf64_Half)l->nr_shdrs;
	eh->e_shstrndx = (Elf64_Half)(1 + e->nr_sections);
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD,
			    .p_flags = PF_R | PF_W | PF_X,
			    .p_offset = e->offset,
			    .p_vaddr = e->vaddr,
			    .p_paddr = e->vaddr,
			    .p_filesz = e->size,
			    .p_memsz = e->size,
			    .p_align = 0x1000 };
}

static void write_symbols(uint8_t *image, const struct section_elf *e, const struct layout *l,
			  const uint32_t *names)
{
	Elf64_Sym *sym = (Elf64_Sym *)(image + l->symtab);

	for (unsigned i = 0; i < e->nr_symbols; i++)
		sym[i + 1] = (Elf64_Sym){ .st_name = names[i],
					  .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE),
					  .st_shndx = SHN_ABS,
					  .st_value = e->symbols[i].value };
}

/* The whole image (caller frees), *size its length; NULL if too big. */
static uint8_t *build(const struct section_elf *e, size_t *size)
{
	struct strtab shstr = { .len = 1 }, str = { .len = 1 };
	Elf64_Shdr shdr[MAX_SECTIONS] = { { 0 } };
	uint32_t names[MAX_SECTIONS], symbol_names[MAX_SYMBOLS];
	struct layout l;
	uint8_t *image;
	unsigned n = 1;

	if (e->nr_sections + 4 > MAX_SECTIONS || e->nr_symbols > MAX_SYMBOLS)
		return NULL;
	for (unsigned i = 0; i < e->nr_sections; i++)
		names[i] = intern(&shstr, e->sections[i].name);
	names[e->nr_sections] = intern(&shstr, ".shstrtab");
	names[e->nr_sections + 1] = intern(&shstr, ".strtab");
	names[e->nr_sections + 2] = intern(&shstr, ".symtab");
	for (unsigned i = 0; i < e->nr_symbols; i++)
		symbol_names[i] = intern(&str, e->symbols[i].name);
	l = lay_out(e, shstr.len, str.len);
	image = calloc(1, l.end);
	if (!image)
		return NULL;
	write_ehdr(image, e, &l);
	memcpy(image + e->offset, e->segment, e->size);
	memcpy(image + l.shstrtab, shstr.bytes, shstr.len);
	write_symbols(image, e, &l, symbol_names);
	memcpy(image + l.strtab, str.bytes, str.len);
	for (unsigned i = 0; i < e->nr_sections; i++, n++) {
		const struct section_spec *s = &e->sections[i];

		shdr[n] = (Elf64_Shdr){ .sh_name = names[i],
					.sh_type = s->type,
					.sh_flags = s->flags,
					.sh_addr = s->addr,
					.sh_offset = e->offset + (s->addr - e->vaddr),
					.sh_size = s->size,
					.sh_addralign = 1 };
	}
	shdr[n++] = (Elf64_Shdr){ .sh_name = names[e->nr_sections],
				  .sh_type = SHT_STRTAB,
				  .sh_offset = l.shstrtab,
				  .sh_size = shstr.len,
				  .sh_addralign = 1 };
	if (e->nr_symbols) {
		shdr[n++] = (Elf64_Shdr){ .sh_name = names[e->nr_sections + 1],
					  .sh_type = SHT_STRTAB,
					  .sh_offset = l.strtab,
					  .sh_size = str.len,
					  .sh_addralign = 1 };
		shdr[n] = (Elf64_Shdr){ .sh_name = names[e->nr_sections + 2],
					.sh_type = SHT_SYMTAB,
					.sh_offset = l.symtab,
					.sh_size = (e->nr_symbols + 1) * sizeof(Elf64_Sym),
					.sh_link = n - 1,
					.sh_info = 1,
					.sh_entsize = sizeof(Elf64_Sym),
					.sh_addralign = 8 };
		n++;
	}
	memcpy(image + l.shdrs, shdr, n * sizeof(Elf64_Shdr));
	*size = l.end;
	return image;
}

static int write_to(int fd, const struct section_elf *e)
{
	size_t size;
	uint8_t *image = fd >= 0 ? build(e, &size) : NULL;
	int ok = image && write(fd, image, size) == (ssize_t)size;

	free(image);
	if (!ok && fd >= 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int section_elf_fd(const struct section_elf *e)
{
	return write_to(memfd_create("section-elf", MFD_CLOEXEC), e);
}

int section_elf_write(const struct section_elf *e, const char *path)
{
	int fd = write_to(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), e);

	if (fd < 0)
		return -1;
	return close(fd);
}
