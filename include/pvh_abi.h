/* SPDX-License-Identifier: MIT */
/*
 * The PVH boot ABI (Xen's "HVM direct boot", start_info version 1): what
 * the VMM writes and every PVH guest (Linux, the probe) reads. Shared by
 * loadvm and the probe so the two can never disagree on a field.
 */
#ifndef KVMLB_PVH_ABI_H
#define KVMLB_PVH_ABI_H

#define PVH_START_MAGIC 0x336ec578u
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define E820_RAM 1u
#define E820_RESERVED 2u

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
} __attribute__((packed));

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
} __attribute__((packed));

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct hvm_start_info) == 56, "PVH ABI: start_info");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "PVH ABI: module entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "PVH ABI: memmap entry");
#endif

#endif
