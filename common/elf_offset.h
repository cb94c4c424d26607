/* SPDX-License-Identifier: MIT */
/* Where an ELF's virtual addresses sit in its file, through its PT_LOADs.
 * Shared by sharemap (sections) and page_sites (patch sites). */
#ifndef KVMLB_ELF_OFFSET_H
#define KVMLB_ELF_OFFSET_H

#include <libelf.h>
#include <stdint.h>

/* File offset of [addr, addr + size) through the PT_LOAD whose file bytes
 * hold it (Linux's bss sits inside a file-backed segment), or -1. */
int64_t elf_file_offset(Elf *elf, uint64_t addr, uint64_t size);

#endif
