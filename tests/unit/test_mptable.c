// SPDX-License-Identifier: MIT
/* The MP table as Linux's mpparse reads it: signatures, checksums, entry
 * counts, one enabled processor per vCPU with vCPU 0 the bootstrap one. */
#include "../support/test_main.h"

#include "../support/bytes.h"
#include "guest_layout.h"
#include "mptable.h"

#include <string.h>

#define GPA 0x9fc00u

static void table_for(unsigned vcpus)
{
	uint8_t buf[MPTABLE_MAX_SIZE];
	size_t used;
	const uint8_t *table, *entry;
	uint16_t length, count;

	memset(buf, 0xcc, sizeof(buf));
	used = mptable_build(buf, sizeof(buf), GPA, vcpus);
	assert_int_equal(used, mptable_size(vcpus));
	/* Floating pointer: "_MP_", 16 bytes summing to 0, pointing right after. */
	assert_memory_equal(buf, "_MP_", 4);
	assert_int_equal(byte_sum(buf, 16), 0);
	assert_int_equal(le32_at(buf + 4), GPA + 16);
	table = buf + 16;
	assert_memory_equal(table, "PCMP", 4);
	length = le16_at(table + 4);
	count = le16_at(table + 34);
	assert_int_equal(byte_sum(table, length), 0);
	assert_int_equal(16 + length, used);
	assert_int_equal(le32_at(table + 36), LAPIC_BASE);
	assert_int_equal(count, vcpus + 1 + 1 + 16 + 2);
	entry = table + 44;
	for (unsigned i = 0; i < vcpus; i++, entry += 20) {
		assert_int_equal(entry[0], 0); /* processor */
		assert_int_equal(entry[1], i); /* APIC id */
		assert_int_equal(entry[3], i == 0 ? 3 : 1);
	}
	assert_int_equal(entry[0], 1); /* bus */
	assert_memory_equal(entry + 2, "ISA", 3);
	entry += 8;
	assert_int_equal(entry[0], 2); /* I/O APIC */
	assert_int_equal(le32_at(entry + 4), IOAPIC_BASE);
}

static void one_vcpu(void **state)
{
	(void)state;
	table_for(1);
}

static void many_vcpus(void **state)
{
	(void)state;
	table_for(4);
	table_for(MPTABLE_MAX_VCPUS);
}

static void refuses_what_does_not_fit(void **state)
{
	uint8_t buf[MPTABLE_MAX_SIZE];

	(void)state;
	assert_int_equal(mptable_build(buf, sizeof(buf), GPA, 0), 0);
	assert_int_equal(mptable_build(buf, sizeof(buf), GPA, MPTABLE_MAX_VCPUS + 1), 0);
	assert_int_equal(mptable_build(buf, 64, GPA, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_vcpu),
		cmocka_unit_test(many_vcpus),
		cmocka_unit_test(refuses_what_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
