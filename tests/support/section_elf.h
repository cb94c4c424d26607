/* SPDX-License-Identifier: MIT */
/* Hand-built ELF64 images with section headers (and optionally a symbol
 * table), for the code that reads a vmlinux's sections: one PT_LOAD whose
 * bytes the test fills, and sections that name ranges of it. */
#ifndef TESTS_SECTION_ELF_H
#define TESTS_SECTION_ELF_H

#include <stdint.h>

struct section_spec {
	const char *name;
	uint32_t type;	/* SHT_PROGBITS, SHT_NOBITS */
	uint64_t flags; /* SHF_ALLOC | ... */
	uint64_t addr;	/* inside the segment: its bytes are the segment's there */
	uint64_t size;
};

struct symbol_spec {
	const char *name;
	uint64_t value;
};

struct section_elf {
	uint64_t vaddr;		/* the PT_LOAD's p_vaddr */
	uint64_t offset;	/* its p_offset (page aligned, past the headers) */
	uint64_t size;		/* p_filesz = p_memsz */
	const uint8_t *segment; /* size bytes */
	const struct section_spec *sections;
	unsigned nr_sections;
	const struct symbol_spec *symbols; /* nr_symbols 0: no .symtab */
	unsigned nr_symbols;
};

/* The image in a memfd; its fd, or -1. */
int section_elf_fd(const struct section_elf *elf);
/* The image in a file (for code that finds it by path); 0 or -1. */
int section_elf_write(const struct section_elf *elf, const char *path);

#endif
