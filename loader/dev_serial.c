// SPDX-License-Identifier: MIT
/*
 * COM1 as a 16550A whose transmitter is always empty: every byte the guest
 * writes goes straight to the output. Linux's 8250 driver probes the scratch
 * register, the FIFO bits of IIR and loopback MSR, and waits for the
 * THR-empty interrupt on IRQ 4 before it sends user-space output, so those
 * are modelled; nothing else is (no receive path).
 */
#include "devices.h"

#include <errno.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define COM1_BASE 0x3f8
#define COM1_IRQ 4

enum { REG_DATA, REG_IER, REG_IIR_FCR, REG_LCR, REG_MCR, REG_LSR, REG_MSR, REG_SCR, NR_REGS };

#define LCR_DLAB 0x80
#define IER_THRI 0x02
#define IIR_NO_INT 0x01
#define IIR_THRI 0x02
#define IIR_FIFO_ENABLED 0xc0
#define LSR_THRE_TEMT 0x60
#define MCR_LOOP 0x10
#define MSR_DCD_DSR_CTS 0xb0

static void pulse_irq(struct serial_dev *dev)
{
	struct kvm_irq_level level = { .irq = COM1_IRQ, .level = 1 };

	if (dev->vm_fd < 0)
		return;
	/* An ISA interrupt is an edge: raise, then lower. */
	ioctl(dev->vm_fd, KVM_IRQ_LINE, &level);
	level.level = 0;
	ioctl(dev->vm_fd, KVM_IRQ_LINE, &level);
}

static void update_irq(struct serial_dev *dev)
{
	if ((dev->ier & IER_THRI) && dev->thr_empty_pending)
		pulse_irq(dev);
}

static void transmit(struct serial_dev *dev, uint8_t byte)
{
	if (dev->out_fd < 0)
		return;
	if (dev->written >= dev->limit) {
		dev->dropped++;
		return;
	}
	while (write(dev->out_fd, &byte, 1) < 0 && errno == EINTR)
		;
	dev->written++;
}

static void serial_write(struct serial_dev *dev, unsigned reg, uint8_t value)
{
	int dlab = dev->lcr & LCR_DLAB;

	switch (reg) {
	case REG_DATA:
		if (dlab) {
			dev->dll = value;
			return;
		}
		transmit(dev, value);
		dev->thr_empty_pending = 1;
		update_irq(dev);
		return;
	case REG_IER:
		if (dlab) {
			dev->dlm = value;
			return;
		}
		dev->ier = value & 0x0f;
		dev->thr_empty_pending = 1;
		update_irq(dev);
		return;
	case REG_LCR: dev->lcr = value; return;
	case REG_MCR: dev->mcr = value & 0x1f; return;
	case REG_SCR: dev->scratch = value; return;
	default: return; /* FCR, LSR, MSR writes change nothing we model */
	}
}

static uint8_t modem_status(const struct serial_dev *dev)
{
	if (!(dev->mcr & MCR_LOOP))
		return MSR_DCD_DSR_CTS;
	/* Loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
	return (uint8_t)(((dev->mcr & 0x02) << 3) | ((dev->mcr & 0x01) << 5) |
			 ((dev->mcr & 0x04) << 4) | ((dev->mcr & 0x08) << 4));
}

static uint8_t interrupt_id(struct serial_dev *dev)
{
	if ((dev->ier & IER_THRI) && dev->thr_empty_pending) {
		dev->thr_empty_pending = 0; /* reading IIR acknowledges THRE */
		return IIR_FIFO_ENABLED | IIR_THRI;
	}
	return IIR_FIFO_ENABLED | IIR_NO_INT;
}

static uint8_t serial_read(struct serial_dev *dev, unsigned reg)
{
	int dlab = dev->lcr & LCR_DLAB;

	switch (reg) {
	case REG_DATA: return dlab ? dev->dll : 0;
	case REG_IER: return dlab ? dev->dlm : dev->ier;
	case REG_IIR_FCR: return interrupt_id(dev);
	case REG_LCR: return dev->lcr;
	case REG_MCR: return dev->mcr;
	case REG_LSR: return LSR_THRE_TEMT;
	case REG_MSR: return modem_status(dev);
	default: return dev->scratch;
	}
}

static void serial_pio(void *opaque, uint16_t port, uint8_t *data, uint32_t size, bool is_write)
{
	struct serial_dev *dev = opaque;
	unsigned reg = (unsigned)(port - COM1_BASE);

	/* Wider accesses act on the first register, as on real hardware's
	 * byte-wide bus; the rest of the bytes read as zero. */
	for (uint32_t i = 1; i < size && !is_write; i++)
		data[i] = 0;
	if (is_write)
		serial_write(dev, reg, data[0]);
	else
		data[0] = serial_read(dev, reg);
}

int serial_dev_register(struct io_bus *bus, struct serial_dev *dev)
{
	const struct pio_device pio = { "com1", COM1_BASE, NR_REGS, serial_pio, dev };

	return io_bus_register(bus, &pio);
}
