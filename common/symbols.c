// SPDX-License-Identifier: MIT
#include "symbols.h"

#include "input_file.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "ffffffff81e7d3b0 T start_kernel" */
static int from_system_map(const char *path, const char *name, uint64_t *addr)
{
	char line[512], symbol[256], type;
	unsigned long long value;
	struct stat st;
	int fd = input_file_open(path, &st), found = 1;
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return -2;
	}
	while (found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &value, &type, symbol) == 3 &&
		    strcmp(symbol, name) == 0) {
			*addr = value;
			found = 0;
		}
	fclose(f);
	return found;
}

static int search_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr, const char *name,
			 uint64_t *addr)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count = shdr->sh_entsize ? shdr->sh_size / shdr->sh_entsize : 0;

	for (size_t i = 0; data && i < count; i++) {
		GElf_Sym sym;
		const char *sym_name;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		sym_name = elf_strptr(elf, shdr->sh_link, sym.st_name);
		if (sym_name && strcmp(sym_name, name) == 0 && sym.st_value) {
			*addr = sym.st_value;
			return 0;
		}
	}
	return 1;
}

static int from_elf(const char *path, const char *name, uint64_t *addr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 1;
	Elf_Scn *scn = NULL;
	Elf *elf;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && found == 1 && (scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;

		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			found = search_symtab(elf, scn, &shdr, name, addr);
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

int symbol_address(const char *elf_path, const char *system_map, const char *name, uint64_t *addr)
{
	if (system_map)
		return from_system_map(system_map, name, addr);
	return from_elf(elf_path, name, addr);
}
