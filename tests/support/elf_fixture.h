/* SPDX-License-Identifier: MIT */
/* Small hand-built ELF64 images for parser and loader tests. The default
 * is a valid PVH kernel; each test bends one field to make it bad. */
#ifndef TESTS_ELF_FIXTURE_H
#define TESTS_ELF_FIXTURE_H

#include <stdint.h>

#define FIXTURE_MAX_SEGMENTS 4
#define FIXTURE_LOAD_ADDR 0x1000000ULL

struct fixture_segment {
	uint64_t paddr;
	uint64_t offset;
	uint64_t filesz;
	uint64_t memsz;
};

struct elf_fixture {
	uint16_t machine; /* EM_X86_64 */
	uint16_t type;	  /* ET_EXEC */
	unsigned int nr_segments;
	struct fixture_segment segments[FIXTURE_MAX_SEGMENTS];
	int has_pvh_note;
	uint32_t pvh_entry;
	uint64_t truncate_to; /* 0: the natural size */
	const uint8_t *code;  /* if set, copied to the start of segment 0 */
	unsigned int code_len;
	/* Header lies, for the parser's tests (0: the truthful value). */
	uint8_t elf_class;  /* e_ident[EI_CLASS] over the ELF64 body */
	uint16_t phentsize; /* e_phentsize */
	uint16_t phnum;	    /* e_phnum */
};

/* One 8 KiB segment plus 4 KiB of bss at FIXTURE_LOAD_ADDR, file offset
 * 0x1000, with a PVH note pointing at its start. */
void elf_fixture_default(struct elf_fixture *fixture);

/* Writes the image to an anonymous file (memfd) and returns its fd. Segment
 * bytes are a pattern of their file offset (see fixture_byte). */
int elf_fixture_fd(const struct elf_fixture *fixture);

/* Writes the image to a file (for tests that run loadvm on it). */
int elf_fixture_write(const struct elf_fixture *fixture, const char *path);

/* The byte the fixture stores at a file offset. */
static inline uint8_t fixture_byte(uint64_t offset)
{
	return (uint8_t)((offset * 7) ^ (offset >> 8) ^ 0x5a);
}

/* A memfd of size bytes holding the fixture_byte pattern (for initrds). */
int pattern_file_fd(uint64_t size);

#endif
