// SPDX-License-Identifier: MIT
#include "aml.h"

#include <string.h>

#define AML_NAME_OP 0x08
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_BYTE_PREFIX 0x0a
#define AML_DWORD_PREFIX 0x0c
#define AML_ONE_OP 0x01
#define AML_EXT_PREFIX 0x5b
#define AML_DEVICE_OP 0x82

#define COM1_EISA_ID 0x0105d041u /* EisaId("PNP0501"), compressed */

/* Small resource descriptors: I/O ports 0x3f8-0x3ff, IRQ 4, end tag. */
static const uint8_t com1_resources[] = {
	0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, /* IO(Decode16, 0x3f8, 0x3f8, 1, 8) */
	0x22, 0x10, 0x00,				/* IRQNoFlags() {4} */
	0x79, 0x00,					/* EndTag, checksum 0: "ignore" */
};

struct aml {
	uint8_t *buf;
	size_t size;
	size_t len;
};

static void emit(struct aml *a, const void *bytes, size_t n)
{
	if (a->len + n <= a->size)
		memcpy(a->buf + a->len, bytes, n);
	a->len += n;
}

static void emit_byte(struct aml *a, uint8_t b)
{
	emit(a, &b, 1);
}

static void emit_dword(struct aml *a, uint32_t v)
{
	const uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
				(uint8_t)(v >> 24) };

	emit(a, le, sizeof(le));
}

/* PkgLength counts itself: one byte below 64, else two (ACPI 6.4, 20.2.4). */
static void emit_pkg_length(struct aml *a, size_t body)
{
	if (body + 1 < 0x40) {
		emit_byte(a, (uint8_t)(body + 1));
	} else {
		size_t total = body + 2;

		emit_byte(a, (uint8_t)(0x40 | (total & 0x0f)));
		emit_byte(a, (uint8_t)(total >> 4));
	}
}

/* Name(_CRS, Buffer) and the device body, built once to learn its length. */
static void device_body(struct aml *a)
{
	emit(a, "COM1", 4);
	emit_byte(a, AML_NAME_OP);
	emit(a, "_HID", 4);
	emit_byte(a, AML_DWORD_PREFIX);
	emit_dword(a, COM1_EISA_ID);
	emit_byte(a, AML_NAME_OP);
	emit(a, "_UID", 4);
	emit_byte(a, AML_ONE_OP);
	emit_byte(a, AML_NAME_OP);
	emit(a, "_CRS", 4);
	emit_byte(a, AML_BUFFER_OP);
	emit_pkg_length(a, 2 + sizeof(com1_resources));
	emit_byte(a, AML_BYTE_PREFIX);
	emit_byte(a, sizeof(com1_resources));
	emit(a, com1_resources, sizeof(com1_resources));
}

static size_t measure(void (*body)(struct aml *))
{
	struct aml dry = { NULL, 0, 0 };

	body(&dry);
	return dry.len;
}

static size_t pkg_length_size(size_t body)
{
	return body + 1 < 0x40 ? 1 : 2;
}

static void scope_body(struct aml *a)
{
	size_t device = measure(device_body);

	emit(a, "_SB_", 4);
	emit_byte(a, AML_EXT_PREFIX);
	emit_byte(a, AML_DEVICE_OP);
	emit_pkg_length(a, device);
	device_body(a);
}

size_t aml_com1(uint8_t *out, size_t size)
{
	struct aml a = { out, size, 0 };
	size_t scope = measure(scope_body);

	if (1 + pkg_length_size(scope) + scope > size)
		return 0;
	emit_byte(&a, AML_SCOPE_OP);
	emit_pkg_length(&a, scope);
	scope_body(&a);
	return a.len;
}
