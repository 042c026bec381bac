/* SPDX-License-Identifier: GPL-2.0 */
/*
 * switcher.h - the memory the Switcher works in, as seen by C and by asm.
 *
 * The Switcher (switch.S) is the only code that runs in both worlds: it
 * is mapped at the same virtual address in the host and in every guest's
 * page tables.  Each CPU owns four pages next to each other:
 *
 *   gdt page   (guest: read-only)  the guest's GDT and TSS for this CPU
 *   idt page   (guest: read-only)  this CPU's IDT: stubs into switch.S,
 *                                  and the running guest's syscall gate
 *   rw page    (guest: read-write) the trap stack: the guest's registers
 *                                  land here when it leaves ring 1
 *   host page  (guest: not mapped) the host state to come back to
 *
 * so that code holding a pointer to the rw page finds the host page at a
 * fixed distance, and code whose stack is in the rw page finds the page
 * by rounding its stack pointer down.  Ring 1 counts as supervisor for
 * paging, so whatever is mapped writable in the guest the guest may write:
 * the rw page holds nothing the host trusts, and the host page is simply
 * absent from the guest's tables.
 *
 * The assembly finds the structures' fields through offsets the compiler
 * computes (asm-offsets.c, into the generated switcher-offsets.h).  Read
 * asm-offsets.c next.
 */
#ifndef LIGEIRO_SWITCHER_H
#define LIGEIRO_SWITCHER_H

/*
 * The NMI note, from %rsp where it points at regs.vector or regs.rip; the
 * fields' offsets come from asm-offsets.c, in switcher-offsets.h.
 */
#define NMI_FROM_VECTOR	(RW_NMI_PENDING - RW_REGS - REGS_VECTOR)
#define NMI_FROM_RIP	(RW_NMI_PENDING - RW_REGS - REGS_RIP)

/* Each CPU's four pages, in this order; the host page follows the rw page. */
#define SLOT_PAGES	4
#define SLOT_GDT	0
#define SLOT_IDT	1
#define SLOT_RW		2
#define SLOT_HOST	3

/* The guest's GDT: the host kernel's CS/DS keep their indices (2, 3). */
#define SWITCHER_GDT_ENTRIES	12
#define SWITCHER_TSS_ENTRY	8	/* a 16-byte descriptor: 8 and 9 */
#define SWITCHER_TSS_SEL	(SWITCHER_TSS_ENTRY * 8)
/* In a TSS descriptor's access byte (its sixth): type 0xb busy, 0x9 not. */
#define TSS_DESC_ACCESS		5
#define TSS_DESC_BUSY		0x02

/*
 * The vectors for which the CPU pushes an error code (#DF, #TS, #NP, #SS,
 * #GP, #PF, #AC, #CP, #VC, #SX), for the stubs and for the frames we build
 * for the guest.  The assembler evaluates both sides of the &&, so the
 * shift count is masked: for vectors past 63 it would warn, 192 times.
 */
#define SWITCHER_ERROR_CODE_VECTORS	0x60227d00
#define SWITCHER_HAS_ERROR_CODE(v) \
	((v) < 32 && (SWITCHER_ERROR_CODE_VECTORS >> ((v) & 31)) & 1)

/* Every IDT vector has a 16-byte stub; the IDT points at stub N. */
#define SWITCHER_STUB_SIZE	16

/*
 * The interrupt-stack-table slot of every exit gate but the NMI's and the
 * machine check's: its stack is the top of the rw page, exactly where
 * TSS.RSP0 points.  With it the CPU switches to our stack even when it
 * believes it is already at ring 0, so the exit path never depends on
 * what the guest left in %ss and %rsp (book/04, "A known stack").  Linux
 * uses slots 1 to 5; this one is free in its TSS and ours.
 */
#define SWITCHER_IST_EXIT	7

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <asm/desc_defs.h>
#include <asm/processor.h>

struct ligeiro_vm;

/**
 * struct switcher_regs - a guest's registers at an exit.
 *
 * Read from the bottom up it is the order in which they were pushed: the
 * CPU pushes ss..rip when the guest traps to ring 0, the stub pushes the
 * error code and vector, and the common exit path pushes the rest.
 */
struct switcher_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

/** struct switcher_segs - segment state that is not in the trap frame. */
struct switcher_segs {
	u64 ds, es, fs, gs;
	u64 fs_base, gs_base;
};

/** struct switcher_rw - the per-CPU page the guest may read and write. */
struct switcher_rw {
	u64 nmi_pending;	/* an NMI hit the Switcher itself */
	struct switcher_segs segs;
	u8 stack[PAGE_SIZE - 8 - sizeof(struct switcher_segs) -
		 sizeof(struct switcher_regs)];
	struct switcher_regs regs;	/* TSS.RSP0 points just past it */
};

/** struct switcher_host - the per-CPU page the guest never sees. */
struct switcher_host {
	u64 rsp, cr3, cr4, guest_cr3, guest_cr4;
	u64 ds, es, fs, gs;
	u64 fs_base, gs_base, kernel_gs_base;
	struct desc_ptr gdt __aligned(16);
	struct desc_ptr idt __aligned(16);
	struct desc_ptr guest_gdt __aligned(16);
	struct desc_ptr guest_idt __aligned(16);
	struct desc_ptr gdt_rw __aligned(16);	/* Linux's, writable: ltr */
	u64 run;	/* the LIGEIRO_RUN that saved them (host_unchanged()) */
	int cpu;	/* whose page this is */
	struct ligeiro_vm *vm;	/* the guest running on it (fast_cr3) */
};

/** struct switcher_gdt - the per-CPU page the guest may only read. */
struct switcher_gdt {
	struct desc_struct gdt[SWITCHER_GDT_ENTRIES];
	struct x86_hw_tss tss;
	u64 fast_cr3;	/* the running guest's vm->fast_cr3 */
};

/* switch.S */
void ligeiro_switch(struct switcher_rw *rw);
extern const char ligeiro_switcher_start[], ligeiro_switcher_end[];
extern const char ligeiro_stubs[];
/* replay.S */
void ligeiro_replay(unsigned long handler);
#endif /* __ASSEMBLY__ */

#endif /* LIGEIRO_SWITCHER_H */
