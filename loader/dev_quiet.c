// SPDX-License-Identifier: MIT
#include "devices.h"

#include <string.h>

#define POST_PORT 0x80
#define PCI_CONFIG_PORT 0xcf8
#define PCI_CONFIG_LEN 8

static void sink_pio(void *opaque, uint16_t port, uint8_t *data, uint32_t size, bool is_write)
{
	(void)opaque;
	(void)port;
	/* All-ones is "no device" on the PCI configuration data port. */
	if (!is_write)
		memset(data, 0xff, size);
}

int quiet_ports_register(struct io_bus *bus)
{
	const struct pio_device ports[] = {
		{ "io-delay", POST_PORT, 1, sink_pio, NULL },
		{ "pci-config", PCI_CONFIG_PORT, PCI_CONFIG_LEN, sink_pio, NULL },
	};

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (io_bus_register(bus, &ports[i]))
			return -1;
	return 0;
}
