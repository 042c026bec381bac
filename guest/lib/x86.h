/*
 * x86.h - names for the bits of the x86-64 architecture the guest touches.
 *
 * Control-register bits, the EFER MSR, page-table entry flags, exception
 * numbers and the page-fault error code: all fixed by the CPU manuals, so
 * they get a name here instead of appearing as bare numbers in the code.
 * Only #defines above the C part, so the start-up assembly can use them.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read lib.h next.
 */
#ifndef GUEST_X86_H
#define GUEST_X86_H

/* Control registers. */
#define CR0_PE		(1 << 0)	/* protected mode */
#define CR0_PG		0x80000000	/* paging */
#define CR4_TSD		(1 << 2)	/* rdtsc only at ring 0 */
#define CR4_PAE		(1 << 5)	/* 64-bit page-table entries */

/* The Extended Feature Enable Register, read and written with rdmsr/wrmsr. */
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)	/* long mode enable */
#define EFER_LMA	(1 << 10)	/* long mode active */
#define MSR_FS_BASE	0xc0000100

/* CPUID: the extended leaf whose EDX says whether long mode exists. */
#define CPUID_EXT_MAX		0x80000000
#define CPUID_EXT_FEATURES	0x80000001
#define CPUID_EXT_EDX_LM	(1 << 29)
/* CPUID leaf 7, subleaf 0: ECX says whether the CPU has UMIP. */
#define CPUID_BASIC_MAX		0	/* EAX: the highest basic leaf */
#define CPUID_FEATURES		1	/* ECX and EDX: feature bits */
#define CPUID_FEATURES7		7
#define CPUID_7_ECX_UMIP	(1 << 2)	/* user-mode insn. prevention */

/* Page-table entry flags. */
#define PTE_P		(1 << 0)	/* present */
#define PTE_W		(1 << 1)	/* writable */
#define PTE_U		(1 << 2)	/* reachable from ring 3 */
#define PTE_PWT		(1 << 3)	/* write-through */
#define PTE_PCD		(1 << 4)	/* cache disabled: device registers */
#define PTE_A		(1 << 5)	/* accessed: set by the MMU */
#define PTE_D		(1 << 6)	/* dirty: set by the MMU on a write */
#define PTE_PS		(1 << 7)	/* in a directory: a 2 MiB page */
#define PAGE_SIZE	4096
#define PTE_ADDR	0x000ffffffffff000	/* the frame an entry points at */
#define PTES_PER_TABLE	512
#define LARGE_PAGE_SIZE	(2 << 20)	/* mapped by one PD entry */

/* RFLAGS. */
#define RFLAGS_FIXED	(1 << 1)	/* always set */
#define RFLAGS_ZF	(1 << 6)	/* zero: lar, lsl, verr, verw succeeded */
#define RFLAGS_TF	(1 << 8)	/* trap after each instruction */
#define RFLAGS_IF	(1 << 9)	/* interrupts enabled */
#define RFLAGS_IOPL	(3 << 12)	/* the ring in/out, cli and sti need */
#define RFLAGS_NT	(1 << 14)	/* nested task: iretq faults in long mode */
#define RFLAGS_AC	(1 << 18)	/* alignment check, at ring 3 */

/* Exception vectors the code refers to by name. */
#define T_DE		0		/* divide error */
#define T_DB		1		/* debug: int1, or single step */
#define T_NMI		2		/* non-maskable interrupt */
#define T_BP		3		/* breakpoint: int3 */
#define T_OF		4		/* overflow: int $4 */
#define T_UD		6		/* invalid opcode (ud2) */
#define T_DF		8		/* double fault */
#define T_GP		13		/* general protection */
#define T_PF		14		/* page fault */
#define T_AC		17		/* alignment check */
#define T_MC		18		/* machine check */
#define T_EXCEPTIONS	32		/* 0..31 belong to the CPU */

/* Page-fault error code bits. */
#define PF_PRESENT	(1 << 0)	/* 0: the page was not present */
#define PF_WRITE	(1 << 1)	/* 1: the access was a write */

/*
 * IDT gate types, present: an interrupt gate (DPL 0) clears IF on entry,
 * a trap gate leaves it; DPL 3 lets ring 3 reach the gate with `int`.
 */
#define IDT_INTERRUPT_GATE	0x8e
#define IDT_USER_TRAP_GATE	0xef
#define IDT_ENTRIES		256

/* A 64-bit TSS descriptor's type: present, available. */
#define GDT_TSS_AVAILABLE	0x89

#ifndef __ASSEMBLER__
#include "lib/types.h"

/* The memory clobber keeps it after whatever came before. */
static inline u64 read_rflags(void)
{
	u64 flags;

	asm volatile("pushfq; popq %0" : "=r" (flags) : : "memory");
	return flags;
}
#endif

#endif /* GUEST_X86_H */
