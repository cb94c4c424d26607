// SPDX-License-Identifier: MIT
/* ACPI tables as Linux reads them: checksums, the RSDP -> XSDT -> FADT/MADT
 * chain, one local APIC per vCPU; and the DSDT's AML as iasl (ACPICA's own
 * disassembler, acpica-tools) reads it back. */
#include "../support/test_main.h"

#include "../support/bytes.h"
#include "../support/spawn.h"
#include "acpi.h"
#include "guest_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GPA 0xe0000u

static uint8_t area[ACPI_TABLES_MAX_SIZE];

/* The table at a guest address: signature checked, whole table sums to 0. */
static const uint8_t *table_at(uint64_t gpa, const char *signature)
{
	const uint8_t *t;

	assert_true(gpa >= GPA && gpa < GPA + sizeof(area));
	t = area + (gpa - GPA);
	assert_memory_equal(t, signature, 4);
	assert_int_equal(byte_sum(t, le32_at(t + 4)), 0);
	return t;
}

static void chain_for(unsigned vcpus)
{
	const uint8_t *xsdt, *fadt, *madt, *entry;
	unsigned lapics = 0, ioapics = 0;

	memset(area, 0xcc, sizeof(area));
	assert_true(acpi_build(area, sizeof(area), GPA, vcpus) > 0);
	assert_memory_equal(area, "RSD PTR ", 8);
	assert_int_equal(byte_sum(area, 20), 0);
	assert_int_equal(byte_sum(area, 36), 0);
	assert_int_equal(area[15], 2); /* revision: XSDT present */
	xsdt = table_at(le64_at(area + 24), "XSDT");
	assert_int_equal(le32_at(xsdt + 4), 36 + 16);
	fadt = table_at(le64_at(xsdt + 36), "FACP");
	madt = table_at(le64_at(xsdt + 44), "APIC");
	assert_true(le32_at(fadt + 112) & (1u << 20)); /* hardware-reduced */
	table_at(le64_at(fadt + 140), "DSDT");
	assert_int_equal(le32_at(fadt + 40), le64_at(fadt + 140));
	assert_int_equal(le32_at(madt + 36), LAPIC_BASE);
	for (entry = madt + 44; entry < madt + le32_at(madt + 4); entry += entry[1]) {
		assert_true(entry[1] > 0);
		if (entry[0] == 0) {
			assert_int_equal(entry[3], lapics);	     /* APIC id */
			assert_int_equal(le32_at(entry + 4) & 1, 1); /* enabled */
			lapics++;
		} else if (entry[0] == 1) {
			assert_int_equal(le32_at(entry + 4), IOAPIC_BASE);
			ioapics++;
		}
	}
	assert_int_equal(lapics, vcpus);
	assert_int_equal(ioapics, 1);
}

static void tables_chain_up(void **state)
{
	(void)state;
	chain_for(1);
	chain_for(2);
	chain_for(32);
}

static void refuses_what_does_not_fit(void **state)
{
	(void)state;
	assert_int_equal(acpi_build(area, 0x200, GPA, 1), 0);
	assert_int_equal(acpi_build(area, sizeof(area), GPA, 0), 0);
}

static void iasl_reads_com1_from_the_dsdt(void **state)
{
	const char *dat = test_path("dsdt.dat");
	const char *dsl = test_path("dsdt.dsl");
	const char *argv[] = { "/usr/bin/iasl", "-d", dat, NULL };
	const uint8_t *dsdt;
	char *text;
	FILE *f;

	(void)state;
	assert_true(acpi_build(area, sizeof(area), GPA, 1) > 0);
	dsdt = area + ACPI_DSDT_OFFSET;
	f = fopen(dat, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(dsdt, 1, le32_at(dsdt + 4), f), le32_at(dsdt + 4));
	fclose(f);
	assert_int_equal(run_cmd(argv, test_path("iasl.out"), test_path("iasl.err"), 30), 0);
	text = slurp(dsl);
	assert_non_null(text);
	assert_non_null(strstr(text, "Device (COM1)"));
	assert_non_null(strstr(text, "EisaId (\"PNP0501\")"));
	assert_non_null(strstr(text, "0x03F8,             // Range Minimum"));
	assert_non_null(strstr(text, "{4}"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tables_chain_up),
		cmocka_unit_test(refuses_what_does_not_fit),
		cmocka_unit_test(iasl_reads_com1_from_the_dsdt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
