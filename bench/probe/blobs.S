/* SPDX-License-Identifier: MIT */
/*
 * The probe's bulk: a read-only blob standing in for a kernel's text and
 * rodata, a writable data blob and a bss area. probe-gen writes the blobs
 * and probe_gen.h (their sizes and checksums); each part starts on a page
 * of its own so every page the guest touches belongs to one part only.
 *
 * The bss segment is PROBE_BSS_SIZE bytes in all: the bss blob, then the
 * stack in its last PROBE_STACK_SIZE bytes, so the segment has the size the
 * user asked for and the stack's dirty page never trips the zero check.
 */
#include "probe_gen.h"

	.section .rodata.blob, "a"
	.balign 4096
	.globl probe_ro_blob
probe_ro_blob:
	.incbin "ro.bin"
	.if . - probe_ro_blob - PROBE_RO_SIZE
	.error "ro.bin does not match PROBE_RO_SIZE"
	.endif

	.section .data.blob, "aw"
	.balign 4096
	.globl probe_data_blob
probe_data_blob:
	.incbin "data.bin"
	.if . - probe_data_blob - PROBE_DATA_SIZE
	.error "data.bin does not match PROBE_DATA_SIZE"
	.endif

	.section .bss.blob, "aw", @nobits
	.balign 4096
	.globl probe_bss_blob
probe_bss_blob:
	.if PROBE_BSS_SIZE - PROBE_STACK_SIZE	/* gas warns on .skip 0 */
	.skip PROBE_BSS_SIZE - PROBE_STACK_SIZE
	.endif

	.section .probe.stack, "aw", @nobits
	.balign 4096
	.skip PROBE_STACK_SIZE
	.globl probe_stack_top
probe_stack_top:

	/* For probe.ld's check that nothing else landed in the bss segment. */
	.globl probe_bss_size
	.set probe_bss_size, PROBE_BSS_SIZE

	.section .note.GNU-stack, "", @progbits
