/* SPDX-License-Identifier: MIT */
/*
 * Just enough AML (ACPI Machine Language) to describe COM1 in the DSDT:
 * a hardware-reduced ACPI guest has no legacy PIC, so Linux maps ISA IRQs
 * only for devices the firmware describes; without this, the 8250 driver
 * cannot get IRQ 4 and user space never reaches the serial console.
 */
#ifndef LOADVM_AML_H
#define LOADVM_AML_H

#include <stddef.h>
#include <stdint.h>

/*
 * Writes Scope(\_SB) { Device(COM1) { Name(_HID, EisaId("PNP0501"))
 * Name(_UID, 1) Name(_CRS, ResourceTemplate() { IO(Decode16, 0x3f8, 0x3f8,
 * 1, 8) IRQNoFlags() {4} }) } } into out. Returns the bytes written, or 0
 * if size is too small.
 */
size_t aml_com1(uint8_t *out, size_t size);

#endif
