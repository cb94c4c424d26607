/* SPDX-License-Identifier: MIT */
/* Kernel symbol addresses, from a System.map or from the ELF's .symtab.
 * Shared by loadvm (--break-symbol) and loadbench (which arms the
 * breakpoint only when symbols exist). */
#ifndef KVMLB_SYMBOLS_H
#define KVMLB_SYMBOLS_H

#include <stdint.h>

/* 0 and *addr set when found; 1 when there is no such symbol or no symbol
 * table at all; -1 when a file cannot be read (errno set); -2 when the
 * System.map is no readable regular file (a line already says so). system_map may
 * be NULL: then the ELF at elf_path is searched. */
int symbol_address(const char *elf_path, const char *system_map, const char *name, uint64_t *addr);

#endif
