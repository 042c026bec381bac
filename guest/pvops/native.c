/*
 * native.c - the pv_ops backend for running on bare (virtual) hardware.
 *
 * Each operation here is the privileged instruction itself, because a
 * natively booted guest is the most privileged code on the machine.  The
 * console is the COM1 serial port (serial.c), the timer the PIT (pit.c)
 * behind the 8259 PIC (pic.c), which also carries the devices' interrupt
 * lines; device registers are plain movs; and shutting down means
 * writing to QEMU's isa-debug-exit device, which ends QEMU with the
 * status (code << 1) | 1.
 *
 * Ring 3 needs two tables that under ligeiro are the hypervisor's: a GDT
 * with user segments at ligeiro's selectors, and a TSS, whose RSP0 is the
 * stack the CPU switches to on a trap from ring 3.
 *
 * ligeiro's trap mode runs this same backend at ring 1: every privileged
 * instruction here traps, and the hypervisor emulates it and the devices
 * behind the ports.  That works only because nothing here reads the
 * interrupt flag back (see native_irq_restore()).
 *
 * Book: book/02-guest.md, "The guest kernel", for the table
 * book/05-hypercalls-pvops.md, and for trap mode
 * book/08-trap-and-emulate.md.  Read guest/lib/types.h next.
 */
#include "boot/layout.h"
#include "drivers/pic.h"
#include "drivers/pit.h"
#include "drivers/serial.h"
#include "lib/abi.h"
#include "lib/printf.h"
#include "lib/x86.h"
#include "pvops/pvops.h"

/* The 64-bit TSS: only rsp0 matters to us; no I/O bitmap (offset 104). */
static struct {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iopb;
} __attribute__((packed, aligned(16))) tss = { .iopb = 104 };

/*
 * Kernel code and data as in boot.S (nothing needs reloading), user data
 * and code, then the TSS's 16 bytes.  Access bytes 0x9a/0x92: ring 0
 * code/data, 0xfa/0xf2: ring 3.
 */
static u64 gdt[9] = {
	[KERNEL_CS >> 3] = 0x00af9a000000ffff,
	[KERNEL_DS >> 3] = 0x00cf92000000ffff,
	[USER_DS >> 3] = 0x00cff2000000ffff,
	[USER_CS >> 3] = 0x00affa000000ffff,
};

struct table_desc {
	u16 limit;
	u64 base;
} __attribute__((packed));

static void native_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static void native_irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

/*
 * flags comes from a trap frame, never from pushf: in trap mode we run at
 * ring 1, where pushf shows the real IF (always on) and iretq would leave
 * it alone, but cli and sti trap and the hypervisor emulates them on the
 * virtual flag, which is also what it puts in the frames it builds.
 */
static void native_irq_restore(u64 flags)
{
	if (flags & RFLAGS_IF)
		native_irq_enable();
	else
		native_irq_disable();
}

/* sti only takes effect after the next instruction, so no wakeup is lost. */
static void native_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static u8 native_inb(u16 port)
{
	u8 value;

	asm volatile("inb %1, %0" : "=a" (value) : "Nd" (port));
	return value;
}

static void native_outb(u16 port, u8 value)
{
	asm volatile("outb %0, %1" : : "a" (value), "Nd" (port));
}

static void native_load_idt(const void *base, u16 limit)
{
	struct table_desc desc = { limit, (u64)base };

	asm volatile("lidt %0" : : "m" (desc));
}

static void native_set_kernel_stack(u64 top)
{
	tss.rsp[0] = top;
}

static u64 native_read_cr2(void)
{
	u64 cr2;

	asm volatile("mov %%cr2, %0" : "=r" (cr2));
	return cr2;
}

static void native_load_cr3(u64 pml4)
{
	asm volatile("mov %0, %%cr3" : : "r" (pml4) : "memory");
}

/* The TLB may hold the old entry: drop it now, flush() has nothing left. */
static void native_set_pte(u64 *pte, u64 value, u64 va)
{
	*(volatile u64 *)pte = value;
	asm volatile("invlpg (%0)" : : "r" (va) : "memory");
}

/* Reloading CR3 empties the TLB of everything but global pages (none). */
static void native_flush(bool all)
{
	u64 cr3;

	if (!all)
		return;
	asm volatile("mov %%cr3, %0" : "=r" (cr3));
	native_load_cr3(cr3);
}

/* The PIC sends no further IRQ 0 until the EOI (harmless if none is due). */
static void native_timer_arm(u64 ns)
{
	pic_eoi(PIT_IRQ);
	pit_oneshot(ns);
}

static u32 native_inl(u16 port)
{
	u32 value;

	asm volatile("inl %1, %0" : "=a" (value) : "Nd" (port));
	return value;
}

static void native_outl(u16 port, u32 value)
{
	asm volatile("outl %0, %1" : : "a" (value), "Nd" (port));
}

/*
 * A device register is one plain mov through the kernel's uncached
 * mapping (vm_map_mmio(), virtual = physical).  In trap mode this very
 * instruction traps and ligeiro decodes it, so its form is pinned down:
 * the value in %eax/%ax/%al, the address in %rdi, no REX prefix, no
 * displacement: 8b 07, 66 8b 07 and 8a 07 to read, 89 07, 66 89 07 and
 * 88 07 to write.  The "memory" clobber keeps the compiler from moving
 * ring accesses across a register access (the device reads the rings).
 */
static u32 native_mmio_read(u64 pa, unsigned int size)
{
	u32 value = 0;

	if (size == 1)
		asm volatile("movb (%1), %b0" : "+a" (value) : "D" (pa)
			     : "memory");
	else if (size == 2)
		asm volatile("movw (%1), %w0" : "+a" (value) : "D" (pa)
			     : "memory");
	else
		asm volatile("movl (%1), %0" : "=a" (value) : "D" (pa)
			     : "memory");
	return value;
}

static void native_mmio_write(u64 pa, unsigned int size, u32 value)
{
	if (size == 1)
		asm volatile("movb %b0, (%1)" : : "a" (value), "D" (pa)
			     : "memory");
	else if (size == 2)
		asm volatile("movw %w0, (%1)" : : "a" (value), "D" (pa)
			     : "memory");
	else
		asm volatile("movl %0, (%1)" : : "a" (value), "D" (pa)
			     : "memory");
}

/*
 * Without an isa-debug-exit device the write does nothing.  Rather than
 * hang, load an empty IDT and trap: the CPU cannot deliver the exception,
 * triple-faults and resets, which "-no-reboot" turns into QEMU exiting
 * with status 0 - never a status the guest could have asked for.
 */
static void __attribute__((noreturn)) native_shutdown(u8 code)
{
	native_outb(LIGEIRO_DEBUG_EXIT_PORT, code);
	printf("ligeiro guest: no isa-debug-exit device at port %#x, "
	       "resetting the machine\n", LIGEIRO_DEBUG_EXIT_PORT);
	native_irq_disable();
	native_load_idt(NULL, 0);
	asm volatile("int3");
	for (;;)
		asm volatile("hlt");
}

struct pv_ops pv_ops = {
	.console_write		= serial_write,
	.load_idt		= native_load_idt,
	.set_kernel_stack	= native_set_kernel_stack,
	.halt			= native_halt,
	.inb			= native_inb,
	.outb			= native_outb,
	.read_cr2		= native_read_cr2,
	.shutdown		= native_shutdown,
	.irq_disable		= native_irq_disable,
	.irq_enable		= native_irq_enable,
	.irq_restore		= native_irq_restore,
	.load_cr3		= native_load_cr3,
	.set_pte		= native_set_pte,
	.flush			= native_flush,
	.tsc_khz		= pit_tsc_khz,
	.timer_arm		= native_timer_arm,
	.inl			= native_inl,
	.outl			= native_outl,
	.mmio_read		= native_mmio_read,
	.mmio_write		= native_mmio_write,
	.irq_unmask		= pic_unmask,
	.irq_eoi		= pic_eoi,
};

/* A TSS descriptor: base and limit scattered as usual, then base >> 32. */
static void load_gdt_and_tss(void)
{
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;
	struct table_desc desc = { sizeof(gdt) - 1, (u64)gdt };

	gdt[TSS_SELECTOR >> 3] = (limit & 0xffff) | (base & 0xffffff) << 16 |
				 (u64)GDT_TSS_AVAILABLE << 40 |
				 (base >> 24 & 0xff) << 56;
	gdt[(TSS_SELECTOR >> 3) + 1] = base >> 32;
	asm volatile("lgdt %0; ltr %w1" : : "m" (desc), "r" (TSS_SELECTOR)
		     : "memory");
}

/** native_gdt() - the GDT load_gdt_and_tss() loads. Return: its address. */
const void *native_gdt(void)
{
	return gdt;
}

/**
 * native_init() - set up the console, the GDT and TSS, and the PIC with
 * only the timer's line open.  pv_ops already points at this backend.
 */
void native_init(void)
{
	serial_init();
	load_gdt_and_tss();
	pic_init();
	pic_unmask(PIT_IRQ);
}
