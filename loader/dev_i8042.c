// SPDX-License-Identifier: MIT
/*
 * The i8042 keyboard controller, just enough of it: Linux probes it at boot
 * (reading the command byte, self tests) and, without answers, spins on the
 * status port until its timeouts expire, thousands of exits. Command 0xfe
 * (pulse the reset line) ends the VM cleanly: reboot=k guests reset this way.
 * No keyboard or mouse is attached.
 */
#include "devices.h"

#include <string.h>

#define I8042_DATA_PORT 0x60
#define I8042_COMMAND_PORT 0x64

#define STATUS_OUTPUT_FULL 0x01
#define STATUS_SYSTEM_FLAG 0x04 /* set after a successful self test */
#define STATUS_COMMAND 0x08	/* last write was to the command port */
#define STATUS_UNLOCKED 0x10	/* keyboard not inhibited by the key lock */

enum i8042_command {
	CMD_READ_CTR = 0x20,
	CMD_WRITE_CTR = 0x60,
	CMD_DISABLE_AUX = 0xa7,
	CMD_ENABLE_AUX = 0xa8,
	CMD_SELF_TEST = 0xaa,
	CMD_KBD_TEST = 0xab,
	CMD_DISABLE_KBD = 0xad,
	CMD_ENABLE_KBD = 0xae,
	CMD_RESET = 0xfe,
};

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00
#define CTR_DEFAULT 0x45 /* kbd interrupt, system flag, translate; aux off */

static void reply(struct i8042_dev *dev, uint8_t byte)
{
	dev->output = byte;
	dev->status |= STATUS_OUTPUT_FULL;
}

static void command(struct i8042_dev *dev, uint8_t cmd)
{
	dev->status |= STATUS_COMMAND;
	dev->pending_write = 0;
	switch (cmd) {
	case CMD_READ_CTR: reply(dev, dev->ctr); break;
	case CMD_WRITE_CTR: dev->pending_write = 1; break;
	case CMD_SELF_TEST:
		dev->status |= STATUS_SYSTEM_FLAG;
		reply(dev, SELF_TEST_OK);
		break;
	case CMD_KBD_TEST: reply(dev, PORT_TEST_OK); break;
	case CMD_RESET: vmm_request_stop(dev->stop, STOP_GUEST_RESET); break;
	default: break; /* enable/disable ports and the rest: nothing to do */
	}
}

static void i8042_pio(void *opaque, uint16_t port, uint8_t *data, uint32_t size, bool is_write)
{
	struct i8042_dev *dev = opaque;

	if (!is_write) {
		memset(data, 0, size);
		if (port == I8042_COMMAND_PORT) {
			data[0] = dev->status;
		} else if (port == I8042_DATA_PORT) {
			data[0] = dev->output;
			dev->status &= (uint8_t)~STATUS_OUTPUT_FULL;
		}
		return;
	}
	if (port == I8042_COMMAND_PORT) {
		command(dev, data[0]);
	} else if (port == I8042_DATA_PORT) {
		dev->status &= (uint8_t)~STATUS_COMMAND;
		if (dev->pending_write)
			dev->ctr = data[0];
		dev->pending_write = 0;
	}
}

int i8042_dev_register(struct io_bus *bus, struct i8042_dev *dev)
{
	/* 0x60..0x64 covers data and command; 0x61-0x63 (speaker, ...) read 0. */
	const struct pio_device pio = { "i8042", I8042_DATA_PORT,
					I8042_COMMAND_PORT - I8042_DATA_PORT + 1, i8042_pio, dev };

	dev->ctr = CTR_DEFAULT;
	dev->status = STATUS_UNLOCKED;
	return io_bus_register(bus, &pio);
}
