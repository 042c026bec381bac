/*
 * pvops.h - the guest's privileged operations, behind one table.
 *
 * Run natively, the guest is in ring 0 and may execute cli, hlt or out
 * itself.  Later chapters run this same binary in ring 1 under our
 * hypervisor, where those instructions trap; there each one becomes a
 * hypercall instead.  To make that a matter of swapping one table, once
 * boot.S has reached 64-bit C code nothing outside a backend executes a
 * privileged instruction directly: it calls through pv_ops, in the spirit
 * of Linux's paravirt_ops.
 *
 * There are two backends.  pv_ops starts out as native.c, so the table is
 * usable from the first line of C after a multiboot2 boot; ligeiro's
 * entry point switches it to ligeiro.c (hypercalls) before anything else.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read native.c next, and
 * ligeiro.c with book/05-hypercalls-pvops.md.
 */
#ifndef GUEST_PVOPS_H
#define GUEST_PVOPS_H

#include "types.h"

/**
 * struct pv_ops - every privileged operation of the guest.
 *
 * One member per operation; a backend fills them all.
 */
struct pv_ops {
	/** Write len bytes to the console; lines end with a newline. */
	void (*console_write)(const char *s, size_t len);

	/** Disable interrupts (cli). */
	void (*irq_disable)(void);

	/** Enable interrupts (sti). */
	void (*irq_enable)(void);

	/**
	 * Enable interrupts and wait for the next one, as one step: an
	 * interrupt arriving between the two must still wake us.
	 */
	void (*halt)(void);

	/** Read a byte from an I/O port. */
	u8 (*inb)(u16 port);

	/** Write a byte to an I/O port. */
	void (*outb)(u16 port, u8 value);

	/** Install the IDT; limit is its size in bytes minus one. */
	void (*load_idt)(const void *base, u16 limit);

	/** The address the last page fault tried to touch (CR2). */
	u64 (*read_cr2)(void);

	/**
	 * Stop the machine with code: LIGEIRO_GUEST_OK, _FAILED, or (under
	 * ligeiro) any other up to LIGEIRO_EXIT_GUEST_MAX.
	 */
	void (*shutdown)(u8 code) __attribute__((noreturn));
};

extern struct pv_ops pv_ops;

/* Each backend's own setup, in native.c and ligeiro.c. */
void native_init(void);
s64 ligeiro_init(void);

/* ligeiro.c's page shared with the hypervisor (its self-checks read it). */
extern volatile struct ligeiro_shared *const pv_shared;

#endif /* GUEST_PVOPS_H */
