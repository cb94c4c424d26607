/* SPDX-License-Identifier: MIT */
/*
 * Every guest-physical address loadvm and its guests agree on, in one place.
 *
 *   0x00000500  boot GDT (flat 32-bit code and data)
 *   0x00006000  struct hvm_start_info   (PVH, version 1)
 *   0x00006040  module list (the initrd)
 *   0x00007000  E820-style memory map
 *   0x00020000  kernel command line
 *   0x0009fc00  EBDA start: MP floating pointer + MP table (Linux scans
 *               the last KiB below 640 KiB); [EBDA, 1 MiB) is reserved
 *   0x000e0000  ACPI tables: RSDP, XSDT, FADT, DSDT, MADT (start_info
 *               points at the RSDP; kernels without MP table support,
 *               such as Debian's cloud kernel, find their CPUs here)
 *   0x01000000  where Linux and the probe link their PT_LOADs (p_paddr)
 *   top of RAM  initrd, page aligned so the mmap loader can map it
 *
 * Nothing below BOOT_DATA_END (1 MiB, all of a PC's low memory) may hold a
 * kernel segment.
 */
#ifndef KVMLB_GUEST_LAYOUT_H
#define KVMLB_GUEST_LAYOUT_H

#define GUEST_PAGE_SIZE 0x1000UL

#define BOOT_GDT_ADDR 0x500UL
#define PVH_START_INFO_ADDR 0x6000UL
#define PVH_MODLIST_ADDR 0x6040UL
#define PVH_MEMMAP_ADDR 0x7000UL
#define PVH_MEMMAP_MAX_ENTRIES 16
#define CMDLINE_ADDR 0x20000UL
#define CMDLINE_MAX_SIZE 0x1000UL /* includes the terminating NUL */

#define EBDA_START 0x9fc00UL
#define MPTABLE_ADDR EBDA_START
#define MPTABLE_MAX_SIZE 0x400UL /* to 640 KiB */
#define ACPI_TABLES_ADDR 0xe0000UL
#define ACPI_TABLES_MAX_SIZE 0x2000UL
#define HIGH_MEMORY_START 0x100000UL /* 1 MiB */

#define BOOT_DATA_END HIGH_MEMORY_START

/* KVM needs three pages for the TSS and one for the identity map on Intel;
 * they sit just below the 4 GiB boundary, outside guest RAM, as in QEMU. */
#define KVM_TSS_ADDR 0xfffbd000UL
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000UL

/* Guest RAM is one slot from 0; it must end below the 32-bit MMIO gap. */
#define GUEST_RAM_MAX 0xc0000000UL

/* Local APIC and I/O APIC bases the MP table announces. */
#define LAPIC_BASE 0xfee00000UL
#define IOAPIC_BASE 0xfec00000UL

/* The probe guest's load address, shared by its linker script. */
#define PROBE_LOAD_ADDR 0x1000000UL

#endif
