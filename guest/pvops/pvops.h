/*
 * pvops.h - the guest's privileged operations, behind one table.
 *
 * Run natively, the guest is in ring 0 and may execute cli, hlt, out or
 * mov to %cr3 itself.  Under our hypervisor the same binary runs in ring 1,
 * where those instructions trap; there each one becomes a hypercall, or a
 * store into the page shared with the hypervisor.  To make that a matter
 * of swapping one table, once boot.S has reached 64-bit C code nothing
 * outside a backend executes a privileged instruction directly: it calls
 * through pv_ops, in the spirit of Linux's paravirt_ops.
 *
 * The table is grouped as a kernel thinks of the machine: the CPU, the
 * interrupt flag, the MMU, time, devices.  What the two backends do
 * differently for each member is the lesson of book chapter 5.
 *
 * There are two backends.  pv_ops starts out as native.c, so the table is
 * usable from the first line of C after a multiboot2 boot; ligeiro's
 * entry point switches it to ligeiro.c (hypercalls) before anything else,
 * unless ligeiro started us in trap mode: then native.c stays, at ring 1,
 * and the hypervisor traps and emulates each of its privileged
 * instructions (book/08-trap-and-emulate.md).
 *
 * Book: book/05-hypercalls-pvops.md.  Read native.c next.
 */
#ifndef GUEST_PVOPS_H
#define GUEST_PVOPS_H

#include "lib/types.h"

/**
 * struct pv_ops - every privileged operation of the guest.
 *
 * One member per operation; a backend fills them all.
 */
struct pv_ops {
	/** Write len bytes to the console; lines end with a newline. */
	void (*console_write)(const char *s, size_t len);

	/* The CPU. */
	/** Install the IDT: 256 gates, so limit is 4095. */
	void (*load_idt)(const void *base, u16 limit);
	/**
	 * The stack the CPU switches to on a trap from ring 3.  Under
	 * ligeiro it takes effect with the next load_cr3, which carries it
	 * (one exit per context switch): set it first.
	 */
	void (*set_kernel_stack)(u64 top);
	/** Enable interrupts and wait for one, as one step (sti; hlt). */
	void (*halt)(void);
	/** Read a byte from an I/O port (native devices only). */
	u8 (*inb)(u16 port);
	/** Write a byte to an I/O port (native devices only). */
	void (*outb)(u16 port, u8 value);
	/** The address the page fault being handled tried to touch. */
	u64 (*read_cr2)(void);
	/** Stop the machine with code: LIGEIRO_GUEST_OK, _FAILED, ... */
	void (*shutdown)(u8 code) __attribute__((noreturn));

	/*
	 * The interrupt flag.  It is only ever set, never read back: there
	 * is no irq_save.  In trap mode the native backend runs at ring 1,
	 * where the real IF is always on and pushf shows it, while popf and
	 * iretq silently leave it alone; only cli and sti trap.  So the
	 * kernel sets the flag with cli and sti, and the one flag it
	 * restores comes from a trap frame, which the hypervisor builds
	 * with the virtual IF (book/08-trap-and-emulate.md).
	 */
	/** Disable interrupts (cli). */
	void (*irq_disable)(void);
	/** Enable interrupts (sti); a pending one arrives at once. */
	void (*irq_enable)(void);
	/**
	 * Set the flag from a trap frame's RFLAGS: the way back from every
	 * trap calls it just before iretq, which at ring 1 cannot set it.
	 */
	void (*irq_restore)(u64 flags);

	/* The MMU. */
	/** Switch to the address space whose PML4 is at this address. */
	void (*load_cr3)(u64 pml4);
	/**
	 * Write a page-table entry that maps va in the current address
	 * space; the old translation may linger until flush().
	 */
	void (*set_pte)(u64 *pte, u64 value, u64 va);
	/**
	 * Make every set_pte so far take effect.  all: page tables were
	 * freed, forget every translation of every address space.
	 */
	void (*flush)(bool all);

	/* Time. */
	/** The TSC's frequency, in ticks per millisecond. */
	u64 (*tsc_khz)(void);
	/**
	 * Interrupt once on TIMER_VECTOR, ns nanoseconds from now; this
	 * also acknowledges the previous timer interrupt.
	 */
	void (*timer_arm)(u64 ns);

	/* Devices (book/09-virtio.md). */
	/** Read a 32-bit I/O port (native devices only: PCI config space). */
	u32 (*inl)(u16 port);
	/** Write a 32-bit I/O port (native devices only). */
	void (*outl)(u16 port, u32 value);
	/**
	 * Read a device register: size (1, 2 or 4) bytes at physical
	 * address pa, which must be mapped with vm_map_mmio() natively and
	 * in trap mode.
	 */
	u32 (*mmio_read)(u64 pa, unsigned int size);
	/** Write one, the same way. */
	void (*mmio_write)(u64 pa, unsigned int size, u32 value);
	/** Let interrupt line `line` through (irq.c). */
	void (*irq_unmask)(unsigned int line);
	/** Tell the interrupt controller line `line` has been handled. */
	void (*irq_eoi)(unsigned int line);
};

extern struct pv_ops pv_ops;

/*
 * How we were started, set by entry.c's entry points: which backend pv_ops
 * is, and whether it runs at ring 0.  The kernel proper does not read it;
 * the self-checks do (probe.c reports what each world looks like from
 * inside, hostile.c picks how to make an exit), and so does virtio.c,
 * since the machine's devices differ: QEMU's on PCI natively, ligeiro's
 * in its MMIO window (book/09-virtio.md).
 */
enum guest_mode {
	GUEST_NATIVE,	/* ring 0, native.c */
	GUEST_PV,	/* ring 1, ligeiro.c: hypercalls */
	GUEST_TRAP,	/* ring 1, native.c: ligeiro emulates it */
};
extern enum guest_mode guest_mode;
/* What the launcher turned off (LIGEIRO_BOOT_*, for make bench); 0 natively. */
extern u32 guest_boot_flags;

/* Each backend's own setup, in native.c and ligeiro.c. */
void native_init(void);
s64 ligeiro_init(u32 boot_flags);

/* native.c's GDT, which its lgdt loads (for probe.c to recognise). */
const void *native_gdt(void);

/* ligeiro.c's page shared with the hypervisor (its self-checks read it). */
extern volatile struct ligeiro_shared *const pv_shared;

#endif /* GUEST_PVOPS_H */
