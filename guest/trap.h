/*
 * trap.h - the trap frame and the interface to exception handling.
 *
 * Every exception and interrupt enters through a stub in trapentry.S that
 * saves all general registers next to what the CPU pushed, making a
 * struct trap_frame on the stack, and passes it to trap() in trap.c.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read trapentry.S next.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include "pic.h"
#include "x86.h"

/* Vectors with a stub and an IDT entry: the exceptions, then the IRQs. */
#define TRAP_VECTORS	(T_EXCEPTIONS + PIC_IRQS)

#ifndef __ASSEMBLER__
#include "types.h"

/* The layout is fixed by trapentry.S: keep the two in step. */
struct trap_frame {
	/* Pushed by trap_common, last register first. */
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	/* Pushed by the stub: a 0 stands in if the CPU pushes no code. */
	u64 vector;
	u64 error;
	/* Pushed by the CPU. */
	u64 rip, cs, rflags, rsp, ss;
};

/* What trap() saw when an expected exception happened. */
struct trap_record {
	u64 vector;
	u64 error;
	u64 rip;
	u64 cr2;	/* page faults only */
};

void trap_init(void);
void trap(struct trap_frame *tf);
void trap_expect(u64 vector, u64 fixup_rip);
bool trap_caught(struct trap_record *rec);
#endif

#endif /* GUEST_TRAP_H */
