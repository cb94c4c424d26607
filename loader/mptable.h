/* SPDX-License-Identifier: MIT */
/*
 * An Intel MultiProcessor Specification 1.4 table: how a PVH Linux without
 * ACPI finds its local APICs, the I/O APIC and the ISA interrupt routing.
 * Without it Linux runs on the PIC alone and --vcpus N cannot work.
 */
#ifndef LOADVM_MPTABLE_H
#define LOADVM_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#define MPTABLE_MAX_VCPUS 32

/* Writes the floating pointer and the table into buf (the bytes at guest
 * address gpa). Returns the bytes used, or 0 if they do not fit in size. */
size_t mptable_build(uint8_t *buf, size_t size, uint32_t gpa, unsigned int nr_vcpus);

/* Writes the table at MPTABLE_ADDR in guest RAM; -1 after a message if
 * it does not fit its slot. */
struct guest_mem;
int mptable_write(struct guest_mem *mem, unsigned int nr_vcpus);

/* Bytes the table takes for nr_vcpus processors. */
size_t mptable_size(unsigned int nr_vcpus);

#endif
