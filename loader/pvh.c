// SPDX-License-Identifier: MIT
#include "pvh.h"

#include "guest_layout.h"
#include "log.h"

#include <string.h>

unsigned int pvh_build_memmap(uint64_t ram_bytes, struct hvm_memmap_table_entry *map,
			      unsigned int max)
{
	/* A PC's low memory: RAM to the EBDA, then the legacy hole to 1 MiB. */
	const struct hvm_memmap_table_entry pc[] = {
		{ 0, EBDA_START, E820_RAM, 0 },
		{ EBDA_START, HIGH_MEMORY_START - EBDA_START, E820_RESERVED, 0 },
		{ HIGH_MEMORY_START, ram_bytes - HIGH_MEMORY_START, E820_RAM, 0 },
	};
	unsigned int n = sizeof(pc) / sizeof(pc[0]);

	if (ram_bytes <= HIGH_MEMORY_START || n > max)
		return 0;
	memcpy(map, pc, sizeof(pc));
	return n;
}

int pvh_write_boot_info(struct guest_mem *mem, const struct pvh_boot *boot)
{
	size_t cmdline_len = strlen(boot->cmdline) + 1;
	struct hvm_start_info *info = guest_mem_ptr(mem, PVH_START_INFO_ADDR, sizeof(*info));
	struct hvm_modlist_entry *mod = guest_mem_ptr(mem, PVH_MODLIST_ADDR, sizeof(*mod));
	struct hvm_memmap_table_entry *map =
		guest_mem_ptr(mem, PVH_MEMMAP_ADDR, PVH_MEMMAP_MAX_ENTRIES * sizeof(*map));
	char *cmdline = guest_mem_ptr(mem, CMDLINE_ADDR, CMDLINE_MAX_SIZE);

	if (!info || !mod || !map || !cmdline) {
		pr_err("guest RAM too small for the boot data");
		return -1;
	}
	if (cmdline_len > CMDLINE_MAX_SIZE) {
		pr_err("kernel command line too long: %zu bytes, the slot holds %lu",
		       cmdline_len - 1, CMDLINE_MAX_SIZE - 1);
		return -1;
	}
	memcpy(cmdline, boot->cmdline, cmdline_len);

	memset(info, 0, sizeof(*info));
	info->magic = PVH_START_MAGIC;
	info->version = 1;
	info->cmdline_paddr = CMDLINE_ADDR;
	info->memmap_paddr = PVH_MEMMAP_ADDR;
	info->rsdp_paddr = boot->rsdp_gpa;
	info->memmap_entries = pvh_build_memmap(mem->size, map, PVH_MEMMAP_MAX_ENTRIES);
	if (boot->initrd_size) {
		memset(mod, 0, sizeof(*mod));
		mod->paddr = boot->initrd_gpa;
		mod->size = boot->initrd_size;
		info->nr_modules = 1;
		info->modlist_paddr = PVH_MODLIST_ADDR;
	}
	return 0;
}
