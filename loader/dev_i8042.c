// SPDX-License-Identifier: MIT
#include "devices.h"

#include <string.h>

#define I8042_DATA_PORT 0x60
#define I8042_COMMAND_PORT 0x64
#define I8042_CMD_RESET 0xfe

static void i8042_pio(void *opaque, uint16_t port, uint8_t *data, uint32_t size, bool is_write)
{
	struct i8042_dev *dev = opaque;

	if (!is_write) {
		/* Status 0: output buffer empty, input buffer free. */
		memset(data, 0, size);
		return;
	}
	if (port == I8042_COMMAND_PORT && data[0] == I8042_CMD_RESET)
		vmm_request_stop(dev->stop, STOP_GUEST_RESET);
}

int i8042_dev_register(struct io_bus *bus, struct i8042_dev *dev)
{
	/* 0x60..0x64 covers data and command; 0x61-0x63 (speaker, ...) read 0. */
	const struct pio_device pio = { "i8042", I8042_DATA_PORT,
					I8042_COMMAND_PORT - I8042_DATA_PORT + 1, i8042_pio, dev };

	return io_bus_register(bus, &pio);
}
