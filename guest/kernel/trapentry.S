/*
 * trapentry.S - the way into trap() for every exception, interrupt and
 * system call, the way back out, and the context switch.
 *
 * The CPU enters an IDT gate having pushed SS, RSP, RFLAGS, CS and RIP,
 * and for some exceptions an error code.  Under ligeiro the hypervisor
 * pushes exactly the same before it jumps to our gate, so nothing here
 * knows which world it runs in.  C cannot cope with that half-built
 * frame, so each vector gets a tiny stub that evens it out: it pushes a
 * dummy 0 where the CPU pushed no error code, then its own vector
 * number, and jumps to trap_common.  trap_common pushes every general
 * register and hands the whole struct trap_frame (trap.h) to trap().
 *
 * The way out, trap_return, is a label of its own because a new process
 * starts there: proc.c builds its kernel stack as if it had trapped out
 * of ring 3 and then called context_switch().  trap_leave() may switch
 * to another process (preemption) and sets the interrupt flag from the
 * frame, which under ligeiro iretq cannot do; then we pop it all back
 * and resume with iretq, at whatever RIP the frame holds.
 *
 * The stack stays 16-byte aligned for the calls: the CPU aligns RSP before
 * pushing its 5 words, and the stub and trap_common add 2 + 15 more, an
 * even count of 8-byte words in all.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read trap.c next.
 */
#include "kernel/trap.h"

/* The exceptions for which the CPU itself pushes an error code. */
#define HAS_ERROR_CODE(v)	((v) == 8 || ((v) >= 10 && (v) <= 14) || \
				 (v) == 17 || (v) == 21 || (v) == 29 || \
				 (v) == 30)

/*
 * One stub per vector.  Each also appends its own address to trap_stubs,
 * the table trap_init() fills the IDT from.
 */
	.macro	stub vector
	.pushsection .rodata
	.quad	1f
	.popsection
1:	.if	!HAS_ERROR_CODE(\vector)
	pushq	$0
	.endif
	pushq	$\vector
	jmp	trap_common
	.endm

	.section .rodata
	.balign	8
	.globl	trap_stubs
trap_stubs:

	.text
	/* CPU exceptions, 0..31. */
	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	stub	\v
	.endr
	.irp	v, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub	\v
	.endr
	/* IRQs 0..15 from the PIC, or ligeiro's timer, from 0x20 on. */
	.irp	v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	stub	\v
	.endr
	/* And the system call, last in trap_stubs. */
	stub	T_SYSCALL

	.section .rodata
	.if	(. - trap_stubs) != TRAP_STUBS * 8 || PIC_IRQ_BASE != 32
	.error	"trapentry.S: the stub list does not match TRAP_STUBS"
	.endif

	.text
trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi		/* trap(struct trap_frame *tf) */
	cld				/* the C ABI expects DF clear */
	call	trap
	.globl	trap_return
trap_return:
	movq	%rsp, %rdi		/* trap_leave(struct trap_frame *tf) */
	call	trap_leave
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* drop vector and error code */
	iretq

/*
 * context_switch(old_sp, new_sp): the C calling convention lets a
 * function clobber every register but these six, so they are all one
 * kernel thread has to keep; its return address is already on its stack.
 * The other thread resumes wherever it called us, or at trap_return.
 */
	.globl	context_switch
context_switch:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
