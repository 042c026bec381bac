/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay.S - hand an interrupt that arrived in the guest back to Linux.
 *
 * While the guest runs, a host interrupt (the timer, an IPI, a disk) goes
 * through the guest's IDT into the Switcher, which brings us home.  The
 * interrupt controller still waits for Linux to handle it: we never EOI.
 * So once the host state is whole again, switcher.c calls the handler
 * from the host's own IDT exactly as the CPU would have: on this stack,
 * with a ring-0 interrupt frame (ss, rsp, rflags, cs, rip).  The handler
 * ends in iretq, which pops that frame and lands after our call.  An NMI
 * goes the same way, to the kernel's entry for NMIs taken off their IST
 * stack.  KVM's VMX exit path does the same for the same reason.
 *
 * Book: book/04-world-switch.md, "Giving the interrupt back".  Read run.c
 * next.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>

	.text
/* void ligeiro_replay(unsigned long handler) */
SYM_FUNC_START(ligeiro_replay)
	pushq	%rbp
	movq	%rsp, %rbp
	andq	$-16, %rsp		/* as the CPU aligns an interrupt frame */
	pushq	$__KERNEL_DS		/* ss */
	pushq	%rbp			/* rsp */
	pushfq				/* rflags: interrupts are off */
	pushq	$__KERNEL_CS		/* cs */
	CALL_NOSPEC rdi			/* pushes rip; the handler's iretq returns */
	leave
	RET
SYM_FUNC_END(ligeiro_replay)
