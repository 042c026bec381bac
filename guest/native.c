/*
 * native.c - the pv_ops backend for running on bare (virtual) hardware.
 *
 * Each operation here is the privileged instruction itself, because a
 * natively booted guest is the most privileged code on the machine.  The
 * console is the COM1 serial port (serial.c), and shutting down means
 * writing to QEMU's isa-debug-exit device, which ends QEMU with the status
 * (code << 1) | 1.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read serial.c next.
 */
#include "abi.h"
#include "printf.h"
#include "pvops.h"
#include "serial.h"

static void native_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static void native_irq_enable(void)
{
	asm volatile("sti" : : : "memory");
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
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) desc = { limit, (u64)base };

	asm volatile("lidt %0" : : "m" (desc));
}

static u64 native_read_cr2(void)
{
	u64 cr2;

	asm volatile("mov %%cr2, %0" : "=r" (cr2));
	return cr2;
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
	.console_write	= serial_write,
	.irq_disable	= native_irq_disable,
	.irq_enable	= native_irq_enable,
	.halt		= native_halt,
	.inb		= native_inb,
	.outb		= native_outb,
	.load_idt	= native_load_idt,
	.read_cr2	= native_read_cr2,
	.shutdown	= native_shutdown,
};

/**
 * native_init() - set up the native backend's devices (the serial port).
 *
 * pv_ops already points at this backend; only the console needs work.
 */
void native_init(void)
{
	serial_init();
}
