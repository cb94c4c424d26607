// SPDX-License-Identifier: MIT
#include "acpi.h"

#include "aml.h"
#include "checksum8.h"
#include "guest_layout.h"
#include "log.h"

#include <string.h>

#define OEM_ID "KVMLB "
#define OEM_TABLE_ID "LOADVM  "
#define CREATOR_ID "KVLB"

#define FADT_REVISION 6
#define FADT_MINOR_REVISION 5
#define FADT_SIZE 276
#define FADT_FLAGS_OFFSET 112
#define FADT_BOOT_ARCH_OFFSET 109
#define FADT_MINOR_OFFSET 131
#define FADT_X_DSDT_OFFSET 140
#define FADT_DSDT_OFFSET 40
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define BOOT_ARCH_8042 (1u << 1) /* keep i8042 probing: reboot=k resets through it */

#define MADT_PCAT_COMPAT 1u
#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_LOCAL_APIC_NMI 4
#define LAPIC_ENABLED 1u
#define ALL_PROCESSORS 0xff

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct madt_local_apic {
	uint8_t type, length, processor_uid, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct madt_io_apic {
	uint8_t type, length, io_apic_id, reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

struct madt_lapic_nmi {
	uint8_t type, length, processor_uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));

static void header(uint8_t *at, const char *signature, uint32_t length, uint8_t revision)
{
	struct acpi_header h = {
		.length = length, .revision = revision, .oem_revision = 1, .creator_revision = 1
	};

	memcpy(h.signature, signature, 4);
	memcpy(h.oem_id, OEM_ID, 6);
	memcpy(h.oem_table_id, OEM_TABLE_ID, 8);
	memcpy(h.creator_id, CREATOR_ID, 4);
	memcpy(at, &h, sizeof(h));
}

/* The checksum makes the whole table sum to zero; call when it is complete. */
static void seal(uint8_t *table)
{
	struct acpi_header *h = (struct acpi_header *)table;

	h->checksum = 0;
	h->checksum = checksum8(table, h->length);
}

static void put32(uint8_t *at, uint32_t v)
{
	memcpy(at, &v, sizeof(v));
}

static void put64(uint8_t *at, uint64_t v)
{
	memcpy(at, &v, sizeof(v));
}

static void build_fadt(uint8_t *fadt, uint64_t dsdt_gpa)
{
	memset(fadt, 0, FADT_SIZE);
	header(fadt, "FACP", FADT_SIZE, FADT_REVISION);
	put32(fadt + FADT_DSDT_OFFSET, (uint32_t)dsdt_gpa);
	fadt[FADT_BOOT_ARCH_OFFSET] = BOOT_ARCH_8042;
	/* Hardware-reduced: no PM timer, SCI, GPE or SMI to emulate. */
	put32(fadt + FADT_FLAGS_OFFSET, FADT_HW_REDUCED_ACPI);
	fadt[FADT_MINOR_OFFSET] = FADT_MINOR_REVISION;
	put64(fadt + FADT_X_DSDT_OFFSET, dsdt_gpa);
	seal(fadt);
}

/* The DSDT describes COM1 (see aml.h); the rest is found at ISA addresses. */
static void build_dsdt(uint8_t *dsdt, size_t room)
{
	size_t aml = aml_com1(dsdt + sizeof(struct acpi_header), room - sizeof(struct acpi_header));

	header(dsdt, "DSDT", (uint32_t)(sizeof(struct acpi_header) + aml), 2);
	seal(dsdt);
}

static size_t build_madt(uint8_t *madt, unsigned nr_vcpus)
{
	size_t at = sizeof(struct acpi_header);
	struct madt_io_apic ioapic = { MADT_IO_APIC,	      sizeof(ioapic),
				       (uint8_t)nr_vcpus,     0,
				       (uint32_t)IOAPIC_BASE, 0 };
	struct madt_lapic_nmi nmi = { MADT_LOCAL_APIC_NMI, sizeof(nmi), ALL_PROCESSORS, 0, 1 };

	put32(madt + at, (uint32_t)LAPIC_BASE);
	put32(madt + at + 4, MADT_PCAT_COMPAT); /* there is a PIC too */
	at += 8;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct madt_local_apic lapic = { MADT_LOCAL_APIC, sizeof(lapic), (uint8_t)i,
						 (uint8_t)i, LAPIC_ENABLED };

		memcpy(madt + at, &lapic, sizeof(lapic));
		at += sizeof(lapic);
	}
	memcpy(madt + at, &ioapic, sizeof(ioapic));
	at += sizeof(ioapic);
	memcpy(madt + at, &nmi, sizeof(nmi));
	at += sizeof(nmi);
	header(madt, "APIC", (uint32_t)at, 5);
	seal(madt);
	return at;
}

static void build_rsdp(uint8_t *at, uint64_t xsdt_gpa)
{
	struct acpi_rsdp rsdp = { .revision = 2, .length = sizeof(rsdp), .xsdt_address = xsdt_gpa };

	memcpy(rsdp.signature, "RSD PTR ", 8);
	memcpy(rsdp.oem_id, OEM_ID, 6);
	rsdp.checksum = checksum8((const uint8_t *)&rsdp, 20); /* the ACPI 1.0 part */
	rsdp.extended_checksum = checksum8((const uint8_t *)&rsdp, sizeof(rsdp));
	memcpy(at, &rsdp, sizeof(rsdp));
}

size_t acpi_build(uint8_t *buf, size_t size, uint64_t gpa, unsigned int nr_vcpus)
{
	uint8_t *xsdt = buf + ACPI_XSDT_OFFSET;
	size_t madt_len;

	if (nr_vcpus == 0 || nr_vcpus > 255 ||
	    size < ACPI_MADT_OFFSET + sizeof(struct acpi_header) + 8 +
			    nr_vcpus * sizeof(struct madt_local_apic) +
			    sizeof(struct madt_io_apic) + sizeof(struct madt_lapic_nmi))
		return 0;
	memset(buf, 0, ACPI_MADT_OFFSET);
	build_rsdp(buf + ACPI_RSDP_OFFSET, gpa + ACPI_XSDT_OFFSET);
	build_dsdt(buf + ACPI_DSDT_OFFSET, ACPI_MADT_OFFSET - ACPI_DSDT_OFFSET);
	build_fadt(buf + ACPI_FADT_OFFSET, gpa + ACPI_DSDT_OFFSET);
	madt_len = build_madt(buf + ACPI_MADT_OFFSET, nr_vcpus);
	header(xsdt, "XSDT", sizeof(struct acpi_header) + 2 * sizeof(uint64_t), 1);
	put64(xsdt + sizeof(struct acpi_header), gpa + ACPI_FADT_OFFSET);
	put64(xsdt + sizeof(struct acpi_header) + 8, gpa + ACPI_MADT_OFFSET);
	seal(xsdt);
	return ACPI_MADT_OFFSET + madt_len;
}

uint64_t acpi_write(struct guest_mem *mem, unsigned int nr_vcpus)
{
	uint8_t *area = guest_mem_ptr(mem, ACPI_TABLES_ADDR, ACPI_TABLES_MAX_SIZE);

	if (!area || !acpi_build(area, ACPI_TABLES_MAX_SIZE, ACPI_TABLES_ADDR, nr_vcpus)) {
		pr_err("ACPI tables for %u vCPUs do not fit their %lu-byte area", nr_vcpus,
		       ACPI_TABLES_MAX_SIZE);
		return 0;
	}
	return ACPI_TABLES_ADDR + ACPI_RSDP_OFFSET;
}
