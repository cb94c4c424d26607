/* SPDX-License-Identifier: MIT */
/*
 * The spans page_kind classifies against, read from a kernel's vmlinux.
 *
 * Patch sites (Linux 6.1, x86_64; entries are little-endian like the host):
 *   .retpoline_sites, .return_sites, .ibt_endbr_seal: s32 each, the site is
 *     the entry's own address plus its value;
 *   .altinstructions: struct alt_instr { s32 instr_offset; s32 repl_offset;
 *     u16 cpuid; u8 instrlen; u8 replacementlen; } (12 bytes, packed), the
 *     site [&instr_offset + instr_offset, + instrlen);
 *   __jump_table: struct jump_entry { s32 code; s32 target; long key; }
 *     (16 bytes), the site at &code + code, 2 or 5 bytes;
 *   .static_call_sites: struct static_call_site { s32 addr; s32 key; }
 *     (8 bytes), the site at &addr + addr, 5 bytes (6 for a Jcc);
 *   .parainstructions: struct paravirt_patch_site { u8 *instr; u8 type;
 *     u8 len; } (16 bytes), the site [instr, + len).
 * A retpoline or return site is its call: 5 bytes, 6 for a Jcc (0x0f ...).
 *
 * Sections: init_freed, every allocated section between __init_begin and
 * __init_end (.symtab), or without symbols the ones x86's vmlinux.lds.S
 * links there (.init.*, .exit.*, .altinstr_aux, .x86_cpu_dev.init,
 * .parainstructions, .retpoline_sites, .return_sites, .ibt_endbr_seal,
 * .altinstructions, .altinstr_replacement, .apicdrivers), and .data..percpu
 * when linked at 0: x86_64 loads that template at __init_begin and frees it
 * with init. data, every other allocated section that is writable or not
 * executable. Everything is a span of file offsets, through the PT_LOADs.
 */
#ifndef KVMLB_PAGE_SITES_H
#define KVMLB_PAGE_SITES_H

#include "page_kind.h"

/* 0, or -1 (errno set) when the file is no readable ELF or memory runs
 * out. An ELF without section headers gets no spans. */
int page_sites_from_elf(const char *path, struct page_sites *sites);

/* One span of kind over [0, size): the initrd, which Linux frees after
 * unpacking it. 0 or -1. */
int page_sites_whole(struct page_sites *sites, enum page_kind kind, uint64_t size);

void page_sites_free(struct page_sites *sites);

#endif
