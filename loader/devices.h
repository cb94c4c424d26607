/* SPDX-License-Identifier: MIT */
/* The few devices a PVH guest needs; each lives in its own dev_*.c. */
#ifndef LOADVM_DEVICES_H
#define LOADVM_DEVICES_H

#include "io_bus.h"
#include "vmm_stop.h"

#include <stdint.h>

/* Port 0xf4: qemu-boot-time trace points (trace_port.h). */
struct trace_dev {
	enum exit_after exit_after;
	volatile sig_atomic_t *stop;
};
int trace_dev_register(struct io_bus *bus, struct trace_dev *dev);

/* COM1, a 16550 that transmits instantly: guest output goes to out_fd,
 * capped at limit bytes so a flooding guest cannot fill the disk. */
struct serial_dev {
	int out_fd; /* -1: output discarded */
	uint64_t limit;
	uint64_t written;
	uint64_t dropped;
	int vm_fd; /* for the THR-empty interrupt on IRQ 4 */
	uint8_t ier, lcr, mcr, scratch, dll, dlm;
	int thr_empty_pending;
};
int serial_dev_register(struct io_bus *bus, struct serial_dev *dev);

/* i8042 keyboard controller: answers Linux's probe; command 0xfe on port
 * 0x64 resets the machine, which for us means a clean end of the VM. */
struct i8042_dev {
	volatile sig_atomic_t *stop;
	uint8_t status;
	uint8_t output;
	uint8_t ctr; /* the controller's command byte */
	int pending_write;
};
int i8042_dev_register(struct io_bus *bus, struct i8042_dev *dev);

/* CMOS real-time clock: the host's time, read-only. */
struct rtc_dev {
	uint8_t index;
};
int rtc_dev_register(struct io_bus *bus, struct rtc_dev *dev);

/* Ports a PC guest pokes that need no model: POST/io-delay 0x80, and PCI
 * configuration (0xcf8-0xcff) answering "no device" for pci=off kernels. */
int quiet_ports_register(struct io_bus *bus);

#endif
