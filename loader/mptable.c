// SPDX-License-Identifier: MIT
#include "mptable.h"

#include "checksum8.h"
#include "guest_layout.h"
#include "guest_mem.h"
#include "log.h"

#include <string.h>

#define MP_SPEC_REV 4
#define APIC_VERSION 0x14
#define IOAPIC_VERSION 0x11
#define ISA_IRQS 16

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_IRQ_INT = 0, MP_IRQ_NMI = 1, MP_IRQ_EXTINT = 3 };

struct mpf_intel {
	char signature[4];
	uint32_t physptr;
	uint8_t length;
	uint8_t specification;
	uint8_t checksum;
	uint8_t feature[5];
} __attribute__((packed));

struct mpc_table {
	char signature[4];
	uint16_t length;
	uint8_t spec;
	uint8_t checksum;
	char oem[8];
	char productid[12];
	uint32_t oemptr;
	uint16_t oemsize;
	uint16_t oemcount;
	uint32_t lapic;
	uint32_t reserved;
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t cpuflag;
	uint32_t cpufeature;
	uint32_t featureflag;
	uint32_t reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type;
	uint8_t busid;
	char bustype[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t flags;
	uint32_t apicaddr;
} __attribute__((packed));

struct mpc_intsrc {
	uint8_t type;
	uint8_t irqtype;
	uint16_t irqflag;
	uint8_t srcbus;
	uint8_t srcbusirq;
	uint8_t dstapic;
	uint8_t dstirq;
} __attribute__((packed));

#define CPU_ENABLED 1
#define CPU_BOOTPROCESSOR 2
#define CPU_FEATURE_FPU_APIC 0x201
#define CPU_SIGNATURE_FAMILY6 0x600
#define ALL_LAPICS 0xff

size_t mptable_size(unsigned int nr_vcpus)
{
	return sizeof(struct mpf_intel) + sizeof(struct mpc_table) +
	       nr_vcpus * sizeof(struct mpc_cpu) + sizeof(struct mpc_bus) +
	       sizeof(struct mpc_ioapic) + (ISA_IRQS + 2) * sizeof(struct mpc_intsrc);
}

static uint8_t *put(uint8_t *at, const void *entry, size_t len)
{
	memcpy(at, entry, len);
	return at + len;
}

static uint8_t *put_cpus(uint8_t *at, unsigned int nr_vcpus)
{
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct mpc_cpu cpu = {
			.type = MP_PROCESSOR,
			.apicid = (uint8_t)i,
			.apicver = APIC_VERSION,
			.cpuflag = (uint8_t)(CPU_ENABLED | (i == 0 ? CPU_BOOTPROCESSOR : 0)),
			.cpufeature = CPU_SIGNATURE_FAMILY6,
			.featureflag = CPU_FEATURE_FPU_APIC,
		};

		at = put(at, &cpu, sizeof(cpu));
	}
	return at;
}

/* ISA IRQ n goes to I/O APIC pin n; LINT0 is the PIC's ExtINT, LINT1 NMI. */
static uint8_t *put_interrupts(uint8_t *at, uint8_t ioapic_id)
{
	struct mpc_intsrc lint0 = { MP_LINTSRC, MP_IRQ_EXTINT, 0, 0, 0, ALL_LAPICS, 0 };
	struct mpc_intsrc lint1 = { MP_LINTSRC, MP_IRQ_NMI, 0, 0, 0, ALL_LAPICS, 1 };

	for (uint8_t irq = 0; irq < ISA_IRQS; irq++) {
		struct mpc_intsrc src = { MP_INTSRC, MP_IRQ_INT, 0, 0, irq, ioapic_id, irq };

		at = put(at, &src, sizeof(src));
	}
	at = put(at, &lint0, sizeof(lint0));
	return put(at, &lint1, sizeof(lint1));
}

size_t mptable_build(uint8_t *buf, size_t size, uint32_t gpa, unsigned int nr_vcpus)
{
	size_t total = mptable_size(nr_vcpus);
	struct mpf_intel mpf = { "_MP_", gpa + (uint32_t)sizeof(mpf), 1, MP_SPEC_REV, 0, { 0 } };
	struct mpc_table table = {
		.signature = "PCMP",
		.spec = MP_SPEC_REV,
		.oem = "KVMLB   ",
		.productid = "LOADVM      ",
		.lapic = (uint32_t)LAPIC_BASE,
	};
	struct mpc_bus isa = { MP_BUS, 0, "ISA   " };
	uint8_t ioapic_id = (uint8_t)nr_vcpus; /* after the CPUs' APIC ids */
	struct mpc_ioapic ioapic = { MP_IOAPIC, ioapic_id, IOAPIC_VERSION, 1,
				     (uint32_t)IOAPIC_BASE };
	uint8_t *table_at = buf + sizeof(mpf), *at;

	if (nr_vcpus == 0 || nr_vcpus > MPTABLE_MAX_VCPUS || total > size)
		return 0;
	mpf.checksum = checksum8((const uint8_t *)&mpf, sizeof(mpf));
	put(buf, &mpf, sizeof(mpf));
	at = put_cpus(table_at + sizeof(table), nr_vcpus);
	at = put(at, &isa, sizeof(isa));
	at = put(at, &ioapic, sizeof(ioapic));
	at = put_interrupts(at, ioapic_id);
	table.length = (uint16_t)(at - table_at);
	table.oemcount = (uint16_t)(nr_vcpus + 2 + ISA_IRQS + 2);
	put(table_at, &table, sizeof(table));
	table_at[offsetof(struct mpc_table, checksum)] = checksum8(table_at, table.length);
	return total;
}

int mptable_write(struct guest_mem *mem, unsigned int nr_vcpus)
{
	uint8_t *slot = guest_mem_ptr(mem, MPTABLE_ADDR, MPTABLE_MAX_SIZE);

	if (!slot || !mptable_build(slot, MPTABLE_MAX_SIZE, (uint32_t)MPTABLE_ADDR, nr_vcpus)) {
		pr_err("MP table for %u vCPUs does not fit its %lu-byte slot", nr_vcpus,
		       MPTABLE_MAX_SIZE);
		return -1;
	}
	return 0;
}
