// SPDX-License-Identifier: MIT
#include "io_bus.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

int io_bus_register(struct io_bus *bus, const struct pio_device *device)
{
	if (bus->nr_devices == IO_BUS_MAX_DEVICES) {
		pr_err("too many port I/O devices (raise IO_BUS_MAX_DEVICES)");
		return -1;
	}
	bus->devices[bus->nr_devices++] = *device;
	return 0;
}

/* The first IO_BUS_TRACKED_PORTS distinct ports are counted. */
static void track_port(struct io_bus *bus, uint16_t port)
{
	for (unsigned i = 0; i < IO_BUS_TRACKED_PORTS; i++) {
		struct port_count *slot = &bus->unhandled_ports[i];

		if (slot->count == 0)
			slot->port = port;
		if (slot->port == port) {
			slot->count++;
			return;
		}
	}
}

void io_bus_describe_unhandled(const struct io_bus *bus, char *out, unsigned long size)
{
	unsigned long used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < IO_BUS_TRACKED_PORTS && bus->unhandled_ports[i].count; i++) {
		int n = snprintf(out + used, size - used, "%s0x%x x%llu", i ? ", " : "",
				 bus->unhandled_ports[i].port,
				 (unsigned long long)bus->unhandled_ports[i].count);

		if (n < 0 || (unsigned long)n >= size - used)
			break;
		used += (unsigned long)n;
	}
}

void io_bus_pio(struct io_bus *bus, uint16_t port, uint8_t *data, uint32_t size, bool is_write)
{
	for (unsigned i = 0; i < bus->nr_devices; i++) {
		const struct pio_device *d = &bus->devices[i];

		if (port >= d->base && port - d->base < d->len) {
			d->handle(d->dev, port, data, size, is_write);
			return;
		}
	}
	bus->unhandled_pio++;
	track_port(bus, port);
	if (!is_write)
		memset(data, 0xff, size);
}
