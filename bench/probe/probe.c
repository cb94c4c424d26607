// SPDX-License-Identifier: MIT
/*
 * The probe guest: a self-checking stand-in for a Linux kernel.
 *
 * It marks linux_start_kernel on the trace port, checks what the VMM gave it
 * (start_info magic, the RO blob, the data blob, a zeroed bss, the initrd
 * against probe.initrd_sum= on the command line), touches one byte of every
 * page on the way, prints "probe: ok" or "probe: FAIL <what>" on COM1 and
 * marks linux_start_user. head.S then halts.
 *
 * Guest code is emulated here at about 1 us per instruction, so every check
 * reads one word per page, except the initrd, which is summed whole.
 */
#include <stddef.h>
#include <stdint.h>

#include "guest_layout.h"
#include "probe_gen.h"
#include "probe_sum.h"
#include "pvh_abi.h"
#include "trace_port.h"

#define COM1_THR 0x3f8 /* 16550 transmit register; loadvm needs no handshake */

#define INITRD_SUM_KEY "probe.initrd_sum="

/* Defined in blobs.S; sizes and checksums come from probe_gen.h. */
extern const unsigned char probe_ro_blob[];
extern unsigned char probe_data_blob[];
extern unsigned char probe_bss_blob[];

/* The first failure, kept for the one report line. */
struct verdict {
	const char *what;
	int has_sums;
	uint32_t got, want;
};

void probe_main(const struct hvm_start_info *si);

static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static void put_str(const char *s)
{
	while (*s)
		outb(COM1_THR, (uint8_t)*s++);
}

static void put_hex32(uint32_t v)
{
	for (int shift = 28; shift >= 0; shift -= 4)
		outb(COM1_THR, (uint8_t) "0123456789abcdef"[(v >> shift) & 0xf]);
}

static int fail(struct verdict *v, const char *what)
{
	v->what = what;
	return 0;
}

static int check_sum(struct verdict *v, const char *what, uint32_t got, uint32_t want)
{
	if (got == want)
		return 1;
	v->has_sums = 1;
	v->got = got;
	v->want = want;
	return fail(v, what);
}

/* Below 4 GiB, or out of reach of this 32-bit guest without paging. */
static const void *paddr_ptr(uint64_t paddr)
{
	return paddr >> 32 ? NULL : (const void *)(uintptr_t)paddr;
}

/* Reading each page's first word is the touch; its sum proves the bytes. */
static int check_ro(struct verdict *v)
{
	uint32_t got = probe_page_sum(probe_ro_blob, PROBE_RO_SIZE);

	return check_sum(v, "ro_sum", got, PROBE_RO_SUM);
}

/* Summed before it is written, so the sum sees what the VMM loaded. The write
 * makes each page private, as a kernel's data pages become. */
static int check_data(struct verdict *v)
{
	uint32_t got = probe_page_sum(probe_data_blob, PROBE_DATA_SIZE);
	volatile unsigned char *p = probe_data_blob;

	for (size_t off = 0; off < PROBE_DATA_SIZE; off += GUEST_PAGE_SIZE)
		p[off] = (unsigned char)(p[off] + 1);
	return check_sum(v, "data_sum", got, PROBE_DATA_SUM);
}

/* bss is in no file: the VMM must hand over zeroed pages. */
static int check_bss(struct verdict *v)
{
	volatile unsigned char *p = probe_bss_blob;
	int zero = 1;

	/* The stack at the end of bss is in use, so it is left out. (Written
	 * as a sum so an empty blob does not compare an unsigned with 0.) */
	for (size_t off = 0; off + PROBE_STACK_SIZE < PROBE_BSS_SIZE; off += GUEST_PAGE_SIZE) {
		zero &= p[off] == 0;
		p[off] = 0xa5;
	}
	return zero ? 1 : fail(v, "bss_not_zero");
}

/* The value after `key` when key starts a word of cmd, or NULL. */
static const char *cmdline_find(const char *cmd, const char *key)
{
	for (size_t i = 0; i < CMDLINE_MAX_SIZE && cmd[i]; i++) {
		size_t k = 0;

		if (i > 0 && cmd[i - 1] != ' ')
			continue;
		while (key[k] && cmd[i + k] == key[k])
			k++;
		if (!key[k])
			return cmd + i + k;
	}
	return NULL;
}

/* 1 to 8 hex digits ending the word; returns 0 on anything else. */
static int parse_hex32(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int n = 0;

	for (; *s && *s != ' '; s++, n++) {
		char c = (char)(*s | 0x20); /* lower case; digits are unchanged */
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (d < 0 || n == 8)
			return 0;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return n > 0;
}

/* No sum asked for: nothing to check. A sum asked for needs a module. */
static int check_initrd(const struct hvm_start_info *si, struct verdict *v)
{
	const char *cmd = si->cmdline_paddr ? paddr_ptr(si->cmdline_paddr) : NULL;
	const char *val = cmd ? cmdline_find(cmd, INITRD_SUM_KEY) : NULL;
	const struct hvm_modlist_entry *mod;
	const void *data;
	uint32_t want;

	if (!val)
		return 1;
	if (!parse_hex32(val, &want))
		return fail(v, "initrd_sum_unparsable");
	if (si->nr_modules == 0 || !si->modlist_paddr)
		return fail(v, "initrd_missing");
	mod = paddr_ptr(si->modlist_paddr);
	data = mod ? paddr_ptr(mod->paddr) : NULL;
	if (!data || mod->size >> 32 || mod->paddr + mod->size > 1ull << 32)
		return fail(v, "initrd_out_of_reach");
	return check_sum(v, "initrd_sum", probe_sum(data, (size_t)mod->size), want);
}

static void report(const struct verdict *v)
{
	if (!v->what) {
		put_str("probe: ok\n");
		return;
	}
	put_str("probe: FAIL ");
	put_str(v->what);
	if (v->has_sums) {
		put_str(" got=");
		put_hex32(v->got);
		put_str(" want=");
		put_hex32(v->want);
	}
	put_str("\n");
}

/* Called from head.S with our own stack; returns to a halt loop. */
void probe_main(const struct hvm_start_info *si)
{
	struct verdict v = { 0 };

	outb(TRACE_PORT, TP_LINUX_START_KERNEL);
	/* The first failure ends the run: later checks would only add noise. */
	if (si->magic != PVH_START_MAGIC)
		fail(&v, "start_info_magic");
	else if (check_ro(&v) && check_data(&v) && check_bss(&v))
		check_initrd(si, &v);
	report(&v);
	outb(TRACE_PORT, TP_LINUX_START_USER);
}
