/* SPDX-License-Identifier: MIT */
/* The PVH boot ABI (Xen's "HVM direct boot"), start_info version 1. */
#ifndef LOADVM_PVH_H
#define LOADVM_PVH_H

#include "guest_mem.h"

#include <stdint.h>

#define PVH_START_MAGIC 0x336ec578u
#define E820_RAM 1u
#define E820_RESERVED 2u

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

struct pvh_boot {
	const char *cmdline;
	uint64_t initrd_gpa;
	uint64_t initrd_size; /* 0: no initrd */
};

/* Writes start_info, module list, memory map and cmdline into guest RAM at
 * their guest_layout.h addresses. Returns -1 (with a message) if the
 * cmdline does not fit its slot. */
int pvh_write_boot_info(struct guest_mem *mem, const struct pvh_boot *boot);

/* Fills the E820-style map for a guest with ram_bytes of RAM; returns the
 * number of entries (at most max). */
unsigned int pvh_build_memmap(uint64_t ram_bytes, struct hvm_memmap_table_entry *map,
			      unsigned int max);

#endif
