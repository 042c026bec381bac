/*
 * hcall.h - how the guest asks ligeiro for something: a hypercall.
 *
 * Under ligeiro the guest kernel runs at ring 1, where cli, hlt or out
 * fault.  It asks instead, with a software interrupt through the gate at
 * LIGEIRO_HCALL_VECTOR, which the hypervisor opened to ring 1 only: the
 * call number in %rax, arguments in %rdi and %rsi, and for HCALL_MMIO
 * %rdx (the ABI also has %r10 and %r8, which no call uses yet), the
 * result, 0 or -errno (or the register's value), back in %rax.  The
 * hypervisor preserves every other register, so the only clobber is
 * "memory": it may read what we wrote (console text) and write what we
 * read next (the shared page).
 *
 * Book: book/05-hypercalls-pvops.md.  Read ligeiro.c next.
 */
#ifndef GUEST_HCALL_H
#define GUEST_HCALL_H

#include "lib/abi.h"

/**
 * hcall() - make one hypercall.
 * @nr: the call, LIGEIRO_HCALL_*.
 * @arg0: its first argument (%rdi), or 0.
 * @arg1: its second argument (%rsi), or 0.
 *
 * Return: what the hypervisor put in %rax, 0 or a negative errno.
 */
static inline s64 hcall(u64 nr, u64 arg0, u64 arg1)
{
	asm volatile("int %[vector]"
		     : "+a" (nr)
		     : [vector] "i" (LIGEIRO_HCALL_VECTOR), "D" (arg0),
		       "S" (arg1)
		     : "memory");
	return nr;
}

/** hcall3() - hcall() with a third argument, in %rdx. */
static inline s64 hcall3(u64 nr, u64 arg0, u64 arg1, u64 arg2)
{
	asm volatile("int %[vector]"
		     : "+a" (nr)
		     : [vector] "i" (LIGEIRO_HCALL_VECTOR), "D" (arg0),
		       "S" (arg1), "d" (arg2)
		     : "memory");
	return nr;
}

#endif /* GUEST_HCALL_H */
