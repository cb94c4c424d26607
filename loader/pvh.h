/* SPDX-License-Identifier: MIT */
/* Writing the PVH boot data (pvh_abi.h) into guest RAM. */
#ifndef LOADVM_PVH_H
#define LOADVM_PVH_H

#include "guest_mem.h"
#include "pvh_abi.h"

#include <stdint.h>

struct pvh_boot {
	const char *cmdline;
	uint64_t initrd_gpa;
	uint64_t initrd_size; /* 0: no initrd */
	uint64_t rsdp_gpa;    /* 0: no ACPI */
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
