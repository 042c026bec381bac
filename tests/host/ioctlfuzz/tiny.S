/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tiny.S - the fuzzer's guests: a few instructions each, no image needed.
 *
 * Position-independent 64-bit code that ioctlfuzz copies to guest address
 * 0, where a new VM starts at ring 1 and where its first tables map guest
 * memory one to one.  Each guest comes twice: with hypercalls for pv
 * mode, and as a native kernel would do it for trap mode, through the
 * PC's ports (COM1, the PIT, QEMU's isa-debug-exit), which trap mode
 * emulates.
 *
 *   shutdown  ends at once with TINY_SHUTDOWN_CODE;
 *   print     prints a line forever: every RUN returns a CONSOLE (pv) or
 *             SERIAL (trap) exit;
 *   spin      exits forever with nothing for the launcher: RUN comes back
 *             only on a signal;
 *   timer     re-arms the shortest timer forever (its interrupt stays
 *             pending: the guest never enables interrupts).
 *
 * guests[] in main.c lists them by kind and mode.
 */
#include "ligeiro.h"
#include "ioctlfuzz.h"

#define COM1		0x3f8	/* the PC's first serial port */
#define POST_PORT	0x80	/* the PC's POST code port: ignored */
#define PIT_CH0		0x40
#define PIT_MODE	0x43
#define PIT_RATE_GEN	0x34	/* channel 0, low then high byte, mode 2 */

	.section .rodata
	.globl pv_shutdown, pv_print, pv_spin, pv_timer
	.globl trap_shutdown, trap_print, trap_spin, trap_timer, tiny_end

pv_shutdown:
	mov $LIGEIRO_HCALL_SHUTDOWN, %eax
	mov $TINY_SHUTDOWN_CODE, %edi
	int $LIGEIRO_HCALL_VECTOR

pv_print:
1:	lea 2f(%rip), %rdi
	mov $3, %esi
	mov $LIGEIRO_HCALL_CONSOLE, %eax
	int $LIGEIRO_HCALL_VECTOR
	jmp 1b
2:	.ascii "hi\n"

pv_spin:
1:	mov $LIGEIRO_HCALL_NOP, %eax
	int $LIGEIRO_HCALL_VECTOR
	jmp 1b

pv_timer:
1:	mov $LIGEIRO_HCALL_SET_TIMER, %eax
	mov $1, %edi			/* nanoseconds */
	int $LIGEIRO_HCALL_VECTOR
	jmp 1b

trap_shutdown:
	mov $TINY_SHUTDOWN_CODE, %al
	out %al, $LIGEIRO_DEBUG_EXIT_PORT

trap_print:
	mov $COM1, %dx
	mov $'\n', %al
1:	out %al, %dx
	jmp 1b

trap_spin:
1:	out %al, $POST_PORT
	jmp 1b

trap_timer:
1:	mov $PIT_RATE_GEN, %al
	out %al, $PIT_MODE
	mov $1, %al			/* a count of 1: the shortest period */
	out %al, $PIT_CH0
	mov $0, %al
	out %al, $PIT_CH0
	jmp 1b

tiny_end:
	.section .note.GNU-stack, "", @progbits
