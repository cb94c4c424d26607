/* SPDX-License-Identifier: MIT */
/* Port I/O dispatch. Every device has the same handler signature; ports no
 * device claims read as all-ones (an empty ISA bus) and are counted. */
#ifndef LOADVM_IO_BUS_H
#define LOADVM_IO_BUS_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*pio_handler)(void *dev, uint16_t port, uint8_t *data, uint32_t size, bool is_write);

struct pio_device {
	const char *name;
	uint16_t base;
	uint16_t len;
	pio_handler handle;
	void *dev;
};

#define IO_BUS_MAX_DEVICES 8
#define IO_BUS_TRACKED_PORTS 8

/* Which unclaimed ports the guest touched most, for --verbose. */
struct port_count {
	uint16_t port;
	uint64_t count;
};

struct io_bus {
	struct pio_device devices[IO_BUS_MAX_DEVICES];
	unsigned int nr_devices;
	uint64_t unhandled_pio;
	uint64_t unhandled_mmio;
	struct port_count unhandled_ports[IO_BUS_TRACKED_PORTS];
};

int io_bus_register(struct io_bus *bus, const struct pio_device *device);
/* data holds size bytes; size is 1, 2 or 4 as KVM reports it. */
void io_bus_pio(struct io_bus *bus, uint16_t port, uint8_t *data, uint32_t size, bool is_write);

/* "0x61 x1200, 0x70 x14" for the --verbose line. */
void io_bus_describe_unhandled(const struct io_bus *bus, char *out, unsigned long size);

#endif
