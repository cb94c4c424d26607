// SPDX-License-Identifier: MIT
/* start_info, module list, memory map and cmdline as the guest reads them. */
#include "../support/test_main.h"

#include "guest_layout.h"
#include "log.h"
#include "pvh.h"

#include <string.h>

static struct guest_mem mem;

static int setup(void **state)
{
	(void)state;
	return guest_mem_alloc(&mem, 64 << 20);
}

static int teardown(void **state)
{
	(void)state;
	guest_mem_free(&mem);
	return 0;
}

static void start_info_describes_cmdline_initrd_and_memmap(void **state)
{
	const struct pvh_boot boot = { "console=ttyS0 probe.x=1", 0x3f00000, 0x100000, 0xe0000 };
	const struct hvm_start_info *info = (void *)(mem.host + PVH_START_INFO_ADDR);
	const struct hvm_modlist_entry *mod = (void *)(mem.host + PVH_MODLIST_ADDR);

	(void)state;
	assert_int_equal(pvh_write_boot_info(&mem, &boot), 0);
	assert_int_equal(info->magic, 0x336ec578);
	assert_int_equal(info->version, 1);
	assert_int_equal(info->nr_modules, 1);
	assert_int_equal(info->modlist_paddr, PVH_MODLIST_ADDR);
	assert_int_equal(mod->paddr, 0x3f00000);
	assert_int_equal(mod->size, 0x100000);
	assert_int_equal(info->cmdline_paddr, CMDLINE_ADDR);
	assert_string_equal((char *)mem.host + CMDLINE_ADDR, boot.cmdline);
	assert_int_equal(info->rsdp_paddr, 0xe0000);
	assert_int_equal(info->memmap_paddr, PVH_MEMMAP_ADDR);
	assert_int_equal(info->memmap_entries, 3);
}

static void no_initrd_means_no_module(void **state)
{
	const struct pvh_boot boot = { "", 0, 0, 0 };
	const struct hvm_start_info *info = (void *)(mem.host + PVH_START_INFO_ADDR);

	(void)state;
	assert_int_equal(pvh_write_boot_info(&mem, &boot), 0);
	assert_int_equal(info->nr_modules, 0);
	assert_int_equal(info->modlist_paddr, 0);
}

static void memmap_covers_ram_around_the_legacy_hole(void **state)
{
	struct hvm_memmap_table_entry map[PVH_MEMMAP_MAX_ENTRIES];
	unsigned n;

	(void)state;
	n = pvh_build_memmap(128 << 20, map, PVH_MEMMAP_MAX_ENTRIES);
	assert_int_equal(n, 3);
	assert_int_equal(map[0].addr, 0);
	assert_int_equal(map[0].size, EBDA_START);
	assert_int_equal(map[0].type, E820_RAM);
	assert_int_equal(map[1].addr, EBDA_START);
	assert_int_equal(map[1].type, E820_RESERVED);
	assert_int_equal(map[2].addr, HIGH_MEMORY_START);
	assert_int_equal(map[2].addr + map[2].size, 128 << 20);
	assert_int_equal(map[2].type, E820_RAM);
	assert_int_equal(pvh_build_memmap(HIGH_MEMORY_START, map, PVH_MEMMAP_MAX_ENTRIES), 0);
}

static void cmdline_longer_than_its_slot_is_refused(void **state)
{
	static char long_line[CMDLINE_MAX_SIZE + 1];
	const struct pvh_boot boot = { long_line, 0, 0, 0 };

	(void)state;
	memset(long_line, 'x', CMDLINE_MAX_SIZE);
	assert_int_equal(pvh_write_boot_info(&mem, &boot), -1);
	long_line[CMDLINE_MAX_SIZE - 1] = '\0'; /* exactly fills the slot */
	assert_int_equal(pvh_write_boot_info(&mem, &boot), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(start_info_describes_cmdline_initrd_and_memmap),
		cmocka_unit_test(no_initrd_means_no_module),
		cmocka_unit_test(memmap_covers_ram_around_the_legacy_hole),
		cmocka_unit_test(cmdline_longer_than_its_slot_is_refused),
	};

	log_set_program("test_pvh");
	return cmocka_run_group_tests(tests, setup, teardown);
}
