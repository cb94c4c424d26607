// SPDX-License-Identifier: MIT
#include "devices.h"

#include "trace_log.h"
#include "trace_port.h"

#include <stdio.h>

static void trace_dev_pio(void *opaque, uint16_t port, uint8_t *data, uint32_t size, bool is_write)
{
	struct trace_dev *dev = opaque;
	unsigned int value = data[0];
	const char *name = trace_point_name(value);
	char unnamed[16];

	(void)port;
	(void)size;
	if (!is_write) {
		data[0] = 0;
		return;
	}
	if (!name) {
		snprintf(unnamed, sizeof(unnamed), "tp_%u", value);
		name = unnamed;
	}
	trace_log_point(name, (int)value, "port");
	if ((dev->exit_after == EXIT_AFTER_KERNEL && value == TP_LINUX_START_KERNEL) ||
	    (dev->exit_after == EXIT_AFTER_USER && value == TP_LINUX_START_USER))
		vmm_request_stop(dev->stop, STOP_EXIT_POINT);
}

int trace_dev_register(struct io_bus *bus, struct trace_dev *dev)
{
	const struct pio_device pio = { "trace", TRACE_PORT, 1, trace_dev_pio, dev };

	return io_bus_register(bus, &pio);
}
