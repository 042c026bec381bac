/*
 * ligeiro.c - the pv_ops backend for running under ligeiro, at ring 1.
 *
 * Here a privileged operation is a request to the hypervisor (hcall.h),
 * or, cheaper still, a store into the page the guest shares with it: the
 * virtual interrupt flag lives there, so disabling interrupts costs one
 * write, not a trip through the Switcher.  The real flag stays on all the
 * time; ring 1 could not clear it anyway.
 *
 * I/O ports, the IDT and CR2 have no paravirtual form yet.  Executing the
 * instruction would get the guest killed for a #GP, which says little
 * about why; those operations name themselves on the console and shut
 * down with LIGEIRO_GUEST_FAILED instead.
 *
 * Book: book/05-hypercalls-pvops.md.  Read main.c (ligeiro_main) next.
 */
#include "abi.h"
#include "hcall.h"
#include "printf.h"
#include "pvops.h"
#include "x86.h"

/*
 * HCALL_INIT wants a page-aligned address; the union gives the structure
 * the whole page, so the hypervisor's view of it covers nothing else.
 */
static union {
	struct ligeiro_shared s;
	u8 page[PAGE_SIZE];
} shared_page __attribute__((aligned(PAGE_SIZE)));

/*
 * volatile: the hypervisor reads the flag whenever it likes.  Callers reach
 * the stores through pv_ops, a call the compiler moves no access across.
 */
volatile struct ligeiro_shared *const pv_shared = &shared_page.s;

static void ligeiro_irq_disable(void)
{
	pv_shared->irq_enabled = 0;
}

static void ligeiro_irq_enable(void)
{
	pv_shared->irq_enabled = 1;
}

/*
 * Called with interrupts virtually disabled, like sti; hlt.  We do not
 * set the flag first: an interrupt delivered between the store and the
 * hypercall would be handled, and then slept through.  As in lguest,
 * the hypervisor enables them itself when it delivers the waking one.
 */
static void ligeiro_halt(void)
{
	hcall(LIGEIRO_HCALL_HALT, 0, 0);
}

/* The hypervisor never returns from a shutdown; the loop keeps it so. */
static void __attribute__((noreturn)) ligeiro_shutdown(u8 code)
{
	for (;;)
		hcall(LIGEIRO_HCALL_SHUTDOWN, code, 0);
}

/* The text is in guest memory, identity-mapped: its address is its gpa. */
static void ligeiro_console_write(const char *s, size_t len)
{
	hcall(LIGEIRO_HCALL_CONSOLE, (u64)s, len);
}

static void __attribute__((noreturn)) unavailable(const char *op)
{
	printf("pv: %s is not available under ligeiro yet\n", op);
	ligeiro_shutdown(LIGEIRO_GUEST_FAILED);
}

static u8 ligeiro_inb(u16 port)
{
	(void)port;
	unavailable("inb");
}

static void ligeiro_outb(u16 port, u8 value)
{
	(void)port, (void)value;
	unavailable("outb");
}

static void ligeiro_load_idt(const void *base, u16 limit)
{
	(void)base, (void)limit;
	unavailable("load_idt");
}

static u64 ligeiro_read_cr2(void)
{
	unavailable("read_cr2");
}

static const struct pv_ops ligeiro_pv_ops = {
	.console_write	= ligeiro_console_write,
	.irq_disable	= ligeiro_irq_disable,
	.irq_enable	= ligeiro_irq_enable,
	.halt		= ligeiro_halt,
	.inb		= ligeiro_inb,
	.outb		= ligeiro_outb,
	.load_idt	= ligeiro_load_idt,
	.read_cr2	= ligeiro_read_cr2,
	.shutdown	= ligeiro_shutdown,
};

/**
 * ligeiro_init() - switch pv_ops to this backend; register the shared page.
 *
 * Must come before anything else under ligeiro: until then pv_ops is the
 * native backend, and its first outb would get the guest killed.
 *
 * Return: what HCALL_INIT returned, 0 or a negative errno.
 */
s64 ligeiro_init(void)
{
	pv_ops = ligeiro_pv_ops;
	return hcall(LIGEIRO_HCALL_INIT, (u64)&shared_page, 0);
}
