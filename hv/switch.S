/* SPDX-License-Identifier: GPL-2.0 */
/*
 * switch.S - the world switch: from the host into the guest and back.
 *
 * This is the only code that runs in both worlds.  It lives in its own
 * page-aligned section, which switcher.c maps at the same virtual address
 * in every guest's page tables as in the host's: when we load the guest's
 * CR3, the instruction after the `mov` is still there to execute.  Once
 * the guest's CR3 is loaded nothing of Linux is mapped: no C, no per-cpu
 * data through %gs, no calls, not even the kernel's return thunk.  So the
 * guest-side half of this file is plain, self-contained assembly.
 *
 * The trip in (ligeiro_switch, called from C with interrupts off):
 *   push the callee-saved registers, and save %rsp in the host page;
 *   hide the host's CR3 in MSR_KERNEL_GS_BASE, which ring 1 cannot read;
 *   move %rsp into the rw page, where the guest's registers wait;
 *   load the guest's IDT first (an NMI must never meet Linux's IDT with
 *     our GDT: Linux's NMI entry may look up its per-CPU base in a GDT
 *     entry ours lacks), then its GDT and TR, then CR4 (PGE, SMEP, SMAP,
 *     PKE off: ring 1 is "supervisor" for paging), then the guest's CR3;
 *   load the guest's segments and registers from the rw page; iretq.
 *
 * The trip out: any interrupt or exception in the guest goes through the
 * guest IDT to a stub here, at ring 0, on the stack the TSS names (IST
 * slot SWITCHER_IST_EXIT, the same as RSP0): the top of the rw page.  The CPU has pushed ss, rsp, rflags, cs, rip; the
 * stub pushes an error code and the vector; ligeiro_exit pushes the rest,
 * which completes a struct switcher_regs.  Then it undoes the trip in,
 * in reverse, and returns to ligeiro_switch's caller.  C code finishes the
 * job (the MSRs, replaying the interrupt): see switcher.c.  One exit may
 * not leave at all: a context switch to a cached address space, which
 * ligeiro_fast_cr3 makes here and returns from (book/07).
 *
 * Book: book/04-world-switch.md walks through this file line by line.
 * Read replay.S next.
 */
#include <linux/linkage.h>
#include <asm/msr-index.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/trapnr.h>
#include "ligeiro.h"
#include "switcher.h"
#include "switcher-offsets.h"


/*
 * Load %ds, %es, %fs, %gs from four 8-byte slots at \mem (the rw page and
 * the host page keep them in that order).  A selector load also resets the
 * segment's base, so FS and GS bases must be written after this.
 */
.macro LOAD_SELECTORS mem
	mov	\mem, %eax
	mov	%eax, %ds
	mov	8+\mem, %eax
	mov	%eax, %es
	mov	16+\mem, %eax
	mov	%eax, %fs
	mov	24+\mem, %eax
	mov	%eax, %gs
.endm

/* wrmsr/rdmsr take the MSR in %ecx and the value in %edx:%eax. */
.macro WRMSR_FROM msr, mem
	movl	$\msr, %ecx
	movl	\mem, %eax
	movl	4+\mem, %edx
	wrmsr
.endm
.macro RDMSR_TO msr, mem
	movl	$\msr, %ecx
	rdmsr
	movl	%eax, \mem
	movl	%edx, 4+\mem
.endm

/* The host's CR3, which waits in KERNEL_GS_BASE (ligeiro_switch). */
.macro LOAD_HOST_CR3
	movl	$MSR_KERNEL_GS_BASE, %ecx
	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %cr3
.endm

	.section .ligeiro_switcher, "ax"
	.balign PAGE_SIZE
SYM_CODE_START_NOALIGN(ligeiro_switcher_start)

/* void ligeiro_switch(struct switcher_rw *rw): %rdi = this CPU's rw page */
SYM_INNER_LABEL(ligeiro_switch, SYM_L_GLOBAL)
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	leaq	PAGE_SIZE(%rdi), %rbx		/* the host page */
	movq	%rsp, HOST_RSP(%rbx)

	/* The way home, kept where the guest cannot read it. */
	WRMSR_FROM MSR_KERNEL_GS_BASE, HOST_CR3(%rbx)

	leaq	RW_REGS(%rdi), %rsp
	lidt	HOST_GUEST_IDT(%rbx)		/* its gates use 0x10: valid in both */
	lgdt	HOST_GUEST_GDT(%rbx)
	movl	$SWITCHER_TSS_SEL, %eax
	ltr	%ax				/* marks the descriptor busy */

	movq	HOST_GUEST_CR4(%rbx), %rax
	movq	%rax, %cr4			/* PGE off: globals flushed */
	movq	HOST_GUEST_CR3(%rbx), %rax
	movq	%rax, %cr3
	/* Only the guest's memory and the Switcher are mapped now. */

	LOAD_SELECTORS RW_DS(%rdi)
	WRMSR_FROM MSR_FS_BASE, RW_FS_BASE(%rdi)
	WRMSR_FROM MSR_GS_BASE, RW_GS_BASE(%rdi)

SYM_INNER_LABEL(ligeiro_entry_regs, SYM_L_LOCAL)	/* %rsp: the registers */
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
	addq	$16, %rsp			/* vector and error code */
	/*
	 * An NMI on the way in left a note (ligeiro_nmi).  Leave at once, as
	 * an NMI exit, rather than let the guest, which can write this page,
	 * clear the note.  An NMI between this look and the iretq is sent
	 * to the same exit by ligeiro_nmi.
	 */
	cmpq	$0, NMI_FROM_RIP(%rsp)
SYM_INNER_LABEL(ligeiro_entry_looked, SYM_L_LOCAL)
	jne	ligeiro_entry_nmi
SYM_INNER_LABEL(ligeiro_entry_iret, SYM_L_LOCAL)
	iretq
SYM_INNER_LABEL(ligeiro_entry_nmi, SYM_L_LOCAL)
	pushq	$0
	pushq	$X86_TRAP_NMI
	jmp	ligeiro_exit

/*
 * The common way out.  On entry the stack holds the stub's vector and
 * error code above the CPU's frame; every guest register is still live.
 */
SYM_INNER_LABEL(ligeiro_exit, SYM_L_LOCAL)
	/*
	 * The guest can write the rw page, so a note found there now may be
	 * forged: drop it.  Notes from here on are the trip out's own.  (An
	 * NMI in the two or three instructions of a stub before this line
	 * is lost; the guest can no longer make Linux see NMIs that never
	 * were, which is the worse failure.)
	 */
	movq	$0, NMI_FROM_VECTOR(%rsp)
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
	/*
	 * A trap does not clear DF or AC: the guest may have set either,
	 * and C code must never run with them (rep movs would go backwards;
	 * AC would switch SMAP off).  Start from clean flags.
	 */
	pushq	$X86_EFLAGS_FIXED
	popfq

	/* A context switch may never need to leave: ligeiro_fast_cr3. */
	cmpq	$LIGEIRO_HCALL_VECTOR, REGS_VECTOR(%rsp)
	jne	ligeiro_exit_full
	cmpq	$LIGEIRO_HCALL_NEW_CR3, %rax
	je	ligeiro_fast_cr3
SYM_INNER_LABEL(ligeiro_exit_full, SYM_L_LOCAL)
	movq	%rsp, %rbx
	andq	$PAGE_MASK, %rbx		/* the rw page */
	mov	%ds, %eax
	movq	%rax, RW_DS(%rbx)
	mov	%es, %eax
	movq	%rax, 8+RW_DS(%rbx)
	mov	%fs, %eax
	movq	%rax, 16+RW_DS(%rbx)
	mov	%gs, %eax
	movq	%rax, 24+RW_DS(%rbx)
	RDMSR_TO MSR_FS_BASE, RW_FS_BASE(%rbx)
	RDMSR_TO MSR_GS_BASE, RW_GS_BASE(%rbx)

	LOAD_HOST_CR3				/* home */
	leaq	PAGE_SIZE(%rbx), %rbp		/* the host page, mapped again */
	movq	HOST_CR4(%rbp), %rax
	movq	%rax, %cr4

	/*
	 * Linux's GDT and TR, as force_reload_TR() would restore them, but
	 * without its hundred instructions of C.  ltr refuses a busy TSS
	 * descriptor, and Linux's has been busy since it was loaded; ltr
	 * also sets the busy bit, so it must see the writable alias of the
	 * GDT (Linux runs on a read-only one, which comes back after).
	 */
	lgdt	HOST_GDT_RW(%rbp)
	movq	HOST_GDT_RW + DESC_PTR_ADDRESS(%rbp), %rax
	andb	$~TSS_DESC_BUSY, GDT_ENTRY_TSS * 8 + TSS_DESC_ACCESS(%rax)
	movl	$GDT_ENTRY_TSS * 8, %eax
	ltr	%ax
	lgdt	HOST_GDT(%rbp)

	/*
	 * The host's segments and bases go back while the guest's IDT is
	 * still loaded: an NMI now comes to ligeiro_nmi, which never looks
	 * at %gs, instead of to Linux, which would see a half-restored GS.
	 */
	LOAD_SELECTORS HOST_DS(%rbp)
	WRMSR_FROM MSR_FS_BASE, HOST_FS_BASE(%rbp)
	WRMSR_FROM MSR_GS_BASE, HOST_GS_BASE(%rbp)
	WRMSR_FROM MSR_KERNEL_GS_BASE, HOST_KGS_BASE(%rbp)
	lidt	HOST_IDT(%rbp)

	movq	HOST_RSP(%rbp), %rsp
	/*
	 * The guest can read this page, so it must not hold the kernel's
	 * address: the return thunk's is in ligeiro_switch_return, in the
	 * module's ordinary text, which the guest never sees.
	 */
	jmp	ligeiro_switch_return

/*
 * HCALL_NEW_CR3 to an address space whose shadow is cached: a context
 * switch.  It is the most frequent hypercall, and what the host's C code
 * does for it is short (shadow_new_cr3() on a hit, set_stack()), so it
 * is done here, and the guest goes on without an exit: no host state is
 * restored, no C runs, nothing is replayed (book/07, "A context switch
 * that stays in the Switcher").  Anything out of the ordinary goes to
 * ligeiro_exit_full, where C does it all: a number that is not a page or
 * a stack that is not the guest's (C kills the guest), a root that is
 * not cached or was last run on another CPU (C builds or maps it), and
 * page-table changes still queued in the batch (C drains them first).
 *
 * On entry the guest's registers are saved under %rsp, and still live.
 * The VM's fields are reached under the host's CR3: between the two CR3
 * loads the rw slot's address maps this CPU's own rw page, not the
 * guest's, so nothing touches the stack.  (An NMI meanwhile leaves its
 * note in this CPU's page, as one does between ligeiro_switch's lidt and
 * its CR3 load; the next exit hands it to Linux.)
 */
SYM_INNER_LABEL(ligeiro_fast_cr3, SYM_L_LOCAL)
	movq	%rsp, %rbx
	andq	$PAGE_MASK, %rbx		/* the rw page */
	/* Under the guest's CR3: the GDT page is the guest's, read-only. */
	cmpq	$0, GDT_FAST_CR3 + (SLOT_GDT - SLOT_RW) * PAGE_SIZE(%rbx)
	je	ligeiro_exit_full		/* --no-fast-cr3, or trap mode */
	testq	$~PAGE_MASK, %rdi
	jnz	ligeiro_exit_full
	movabsq	$GUEST_HALF_END, %rcx
	cmpq	%rcx, %rsi			/* 0: no new stack */
	jae	ligeiro_exit_full

	LOAD_HOST_CR3
	leaq	PAGE_SIZE(%rbx), %rbp		/* the host page */
	movq	HOST_VM(%rbp), %r12
	movq	VM_SHARED(%r12), %rax
	testq	%rax, %rax
	jz	.Lfast_miss
	cmpq	$0, SHARED_BATCH_COUNT(%rax)
	jne	.Lfast_miss

	/* shadow_new_cr3()'s search: from the slot @gcr3 hashes to, round */
	movq	%rdi, %rax
	shrq	$PAGE_SHIFT, %rax
	xorl	%edx, %edx
	movl	VM_NROOTS(%r12), %ecx
	divq	%rcx				/* %rdx: the first slot */
	movl	%ecx, %r14d			/* slots left to look at */
.Lfast_look:
	imulq	$ROOT_SIZE, %rdx, %r15
	addq	VM_ROOTS(%r12), %r15
	cmpq	$0, ROOT_PML4(%r15)
	je	.Lfast_next
	cmpq	%rdi, ROOT_GCR3(%r15)
	je	.Lfast_found
.Lfast_next:
	incq	%rdx
	cmpq	%rcx, %rdx
	jb	1f
	xorl	%edx, %edx
1:	decl	%r14d
	jnz	.Lfast_look
	jmp	.Lfast_miss
.Lfast_found:
	movl	ROOT_CPU(%r15), %eax		/* mapped for this CPU? */
	cmpl	HOST_CPU(%rbp), %eax
	jne	.Lfast_miss

	/* A hit: what shadow_new_cr3() and set_stack() would do. */
	incq	VM_HCALLS_NEW_CR3(%r12)
	incq	VM_CR3_LOADS(%r12)
	incq	VM_CR3_HITS(%r12)
	incq	VM_CR3_FAST(%r12)
	movq	VM_LOADS(%r12), %rax
	incq	%rax
	movq	%rax, VM_LOADS(%r12)
	movq	%rax, ROOT_USED(%r15)
	movq	%r15, VM_CUR(%r12)
	testq	%rsi, %rsi
	jz	2f
	movq	%rsi, VM_KSTACK(%r12)
	/* under the host's CR3 the GDT page is writable: lend_cpu()'s job */
	movq	%rsi, GDT_TSS_SP1 + (SLOT_GDT - SLOT_RW) * PAGE_SIZE(%rbx)
2:	movq	ROOT_CR3(%r15), %rax
	movq	%rax, HOST_GUEST_CR3(%rbp)
	movq	%rax, %cr3
	/*
	 * The guest's rw page again: return 0.  The frame needs none of
	 * regs_sanitize()'s care: the CPU pushed it, from ring 1, a moment
	 * ago, and nothing has touched it since.
	 */
	movq	$0, REGS_RAX(%rsp)
	jmp	ligeiro_entry_regs
.Lfast_miss:
	movq	HOST_GUEST_CR3(%rbp), %rax	/* the guest's CR3 as it was */
	movq	%rax, %cr3
	jmp	ligeiro_exit_full

/*
 * An NMI while the guest's IDT is loaded.  Its gate keeps the stack it
 * finds (an NMI can hit the Switcher halfway through a switch, and a
 * fresh stack would land on the frame being built), so this CPU's rw
 * page is found from the IDT, which sits just before it, not from %rsp.
 * From the guest (RPL of the saved CS is not 0) it is an exit like any
 * other: its frame moves to where every exit's frame is, and C replays
 * the NMI into Linux.  (The CPU switched to RSP0 for it, the top of the
 * rw page; unless it believed it was at ring 0 already, as QEMU's TCG
 * does after a ring-1 guest loads a null %ss: then the frame is on the
 * guest's stack, book/04 "A known stack".)  From the Switcher itself we
 * cannot leave: note it in the rw page and return; C replays it after
 * the exit.  On the way in the trip looks at the note before its iretq;
 * caught after that look, we send the trip to the NMI exit ourselves.
 */
SYM_INNER_LABEL(ligeiro_nmi, SYM_L_LOCAL)
	pushq	%rax
	pushq	%rbx
	subq	$16, %rsp
	sidt	6(%rsp)				/* the base lands at 8(%rsp) */
	movq	8(%rsp), %rax
	addq	$16, %rsp
	addq	$PAGE_SIZE, %rax		/* the rw page */
	/* 0(%rsp) rbx, 8 rax, then the CPU's frame: 16 rip, 24 cs ... 48 ss */
	testb	$3, 24(%rsp)
	jz	1f
	.irp	word, 0, 1, 2, 3, 4
	movq	16 + 8 * \word(%rsp), %rbx
	movq	%rbx, RW_REGS + REGS_RIP + 8 * \word(%rax)
	.endr
	popq	%rbx
	popq	RW_REGS(%rax)			/* rax, kept in the r15 slot */
	leaq	RW_REGS + REGS_RIP(%rax), %rsp
	movq	RW_REGS(%rax), %rax
	pushq	$0
	pushq	$X86_TRAP_NMI
	jmp	ligeiro_exit
1:	movq	$1, RW_NMI_PENDING(%rax)
	/* Past the trip in's look at the note, before its iretq: go out. */
	leaq	ligeiro_entry_looked(%rip), %rbx
	cmpq	%rbx, 16(%rsp)
	jb	2f
	leaq	ligeiro_entry_iret(%rip), %rbx
	cmpq	%rbx, 16(%rsp)
	ja	2f
	leaq	ligeiro_entry_nmi(%rip), %rbx
	movq	%rbx, 16(%rsp)
2:	popq	%rbx
	popq	%rax
	iretq

/* Stub N sits at ligeiro_stubs + N * SWITCHER_STUB_SIZE, so C can find it. */

	.balign SWITCHER_STUB_SIZE
SYM_INNER_LABEL(ligeiro_stubs, SYM_L_GLOBAL)
	vector = 0
	.rept 256
0:
	.if vector == X86_TRAP_NMI
	jmp	ligeiro_nmi
	.else
	.if !SWITCHER_HAS_ERROR_CODE(vector)	/* push a dummy: one layout */
	pushq	$0
	.endif
	pushq	$vector
	jmp	ligeiro_exit
	.endif
	.org	0b + SWITCHER_STUB_SIZE, 0xcc	/* fails if a stub outgrew it */
	vector = vector + 1
	.endr

	.balign PAGE_SIZE
SYM_INNER_LABEL(ligeiro_switcher_end, SYM_L_GLOBAL)
SYM_CODE_END(ligeiro_switcher_start)

	.text
/* The end of ligeiro_switch, on the host's stack and page tables again. */
SYM_CODE_START_LOCAL(ligeiro_switch_return)
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	RET
SYM_CODE_END(ligeiro_switch_return)
