// SPDX-License-Identifier: MIT
#include "io_bus.h"

#include "log.h"

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
	if (!is_write)
		memset(data, 0xff, size);
}
