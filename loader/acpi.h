/* SPDX-License-Identifier: MIT */
/*
 * Minimal ACPI for a PVH guest: RSDP -> XSDT -> FADT (hardware-reduced,
 * -> DSDT describing COM1) and MADT (one local APIC per vCPU, the I/O APIC,
 * LINT1 as NMI). Debian's cloud kernel is built without MP table parsing
 * (CONFIG_X86_MPPARSE off), so without a MADT it runs on one CPU and the
 * PIC. Hardware-reduced means no PIC, PM timer, SCI or GPEs to emulate.
 */
#ifndef LOADVM_ACPI_H
#define LOADVM_ACPI_H

#include "guest_mem.h"

#include <stddef.h>
#include <stdint.h>

/* Offsets of each table inside the ACPI area. */
enum {
	ACPI_RSDP_OFFSET = 0x000,
	ACPI_XSDT_OFFSET = 0x040,
	ACPI_FADT_OFFSET = 0x100,
	ACPI_DSDT_OFFSET = 0x300,
	ACPI_MADT_OFFSET = 0x400,
};

/* Builds the tables into buf, which will sit at guest address gpa. Returns
 * the bytes used, or 0 if they do not fit in size. */
size_t acpi_build(uint8_t *buf, size_t size, uint64_t gpa, unsigned int nr_vcpus);

/* Writes the tables at ACPI_TABLES_ADDR; returns the RSDP's guest address
 * for start_info, or 0 after a message. */
uint64_t acpi_write(struct guest_mem *mem, unsigned int nr_vcpus);

#endif
