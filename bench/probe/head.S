/* SPDX-License-Identifier: MIT */
/*
 * The probe's PVH entry and its Xen ELF note.
 *
 * PVH enters here in 32-bit flat protected mode, paging off, interrupts off,
 * with EBX = guest-physical address of struct hvm_start_info and no stack.
 */
#include "pvh_abi.h"

	.code32

	/*
	 * The note the VMM looks for: owner "Xen", type 18, and a 32-bit
	 * physical entry address. The linker script puts it in PT_NOTE.
	 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f			/* namesz */
	.long 4f - 3f			/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
3:	.long pvh_start
4:	.balign 4

	.section .text.head, "ax"
	.globl pvh_start
	.type pvh_start, @function
pvh_start:
	movl	$probe_stack_top, %esp	/* PVH gives no stack; see blobs.S */
	xorl	%ebp, %ebp		/* ends frame-pointer walks here */
	cld				/* the C ABI assumes DF=0; PVH does not say */
	pushl	%ebx
	call	probe_main
	/* probe_main has reported; there is nothing left to do, forever. */
1:	cli
	hlt
	jmp	1b
	.size pvh_start, . - pvh_start

	.section .note.GNU-stack, "", @progbits
