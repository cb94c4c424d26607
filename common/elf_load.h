/* SPDX-License-Identifier: MIT */
/* The file bytes of an ELF's PT_LOAD segments: what a VMM maps or reads out
 * of a kernel file, and the read-only part of it, which a guest never
 * writes (the seed's expectation of what mapping the file shares). */
#ifndef KVMLB_ELF_LOAD_H
#define KVMLB_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct elf_load_bytes {
	uint64_t all;	   /* p_filesz summed over every PT_LOAD */
	uint64_t readonly; /* ... over those without PF_W */
};

/* 0, or -1 with why (naming path) set: unreadable, not an ELF, or a
 * PT_LOAD that runs past the end of the file. */
int elf_load_bytes(const char *path, struct elf_load_bytes *out, char *why, size_t why_size);

#endif
