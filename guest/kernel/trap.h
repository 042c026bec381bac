/*
 * trap.h - the trap frame and the interface to exception handling.
 *
 * Every exception, interrupt and system call enters through a stub in
 * trapentry.S that saves all general registers next to what the CPU (or,
 * under ligeiro, the hypervisor, which builds the very same frame)
 * pushed, making a struct trap_frame on the stack, and passes it to
 * trap() in trap.c.  On the way out trap_leave() may switch to another
 * process first; the frame it finally returns through is the one that
 * process entered with.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read trapentry.S next.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include "drivers/pic.h"
#include "lib/abi.h"
#include "lib/x86.h"

#define T_SYSCALL	LIGEIRO_SYSCALL_VECTOR

/* Vectors with a stub: the exceptions, the PIC's IRQs, the system call. */
#define TRAP_STUBS	(T_EXCEPTIONS + PIC_IRQS + 1)

#ifndef __ASSEMBLER__
#include "lib/types.h"

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

/* 15 registers, 2 words from the stub, 5 from the CPU: 16-byte sized. */
_Static_assert(sizeof(struct trap_frame) == 22 * 8,
	       "struct trap_frame does not match trapentry.S");

/* True if the frame was pushed by a trap from ring 3. */
static inline bool trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

/* What trap() saw when an expected exception happened. */
struct trap_record {
	u64 vector;
	u64 error;
	u64 rip;
	u64 cr2;	/* page faults only */
};

void trap_init(void);
const void *trap_idt(void);
void trap(struct trap_frame *tf);
void trap_leave(struct trap_frame *tf);
void syscall(struct trap_frame *tf);	/* syscall.c */
void trap_expect(u64 vector, u64 fixup_rip);
bool trap_caught(struct trap_record *rec);
const struct trap_record *trap_last_kill(void);

/* trapentry.S: where a new process's first switch returns to. */
extern const char trap_return[];
/* trapentry.S: save callee-saved registers, *old_sp = rsp, rsp = new_sp. */
void context_switch(u64 *old_sp, u64 new_sp);
#endif

#endif /* GUEST_TRAP_H */
