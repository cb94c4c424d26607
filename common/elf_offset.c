// SPDX-License-Identifier: MIT
#include "elf_offset.h"

#include <gelf.h>

int64_t elf_file_offset(Elf *elf, uint64_t addr, uint64_t size)
{
	size_t phnum;

	if (elf_getphdrnum(elf, &phnum))
		return -1;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr + size <= ph.p_vaddr + ph.p_filesz &&
		    addr + size >= addr)
			return (int64_t)(ph.p_offset + (addr - ph.p_vaddr));
	}
	return -1;
}
