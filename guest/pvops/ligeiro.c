/*
 * ligeiro.c - the pv_ops backend for running under ligeiro, at ring 1.
 *
 * Here a privileged operation is a request to the hypervisor (hcall.h),
 * or, cheaper still, a store into the page the guest shares with it
 * (struct ligeiro_shared in hv/uapi/ligeiro.h):
 *
 *  - the virtual interrupt flag: disabling interrupts is one store, not a
 *    trip through the Switcher (the real flag stays on; ring 1 could not
 *    clear it).  Enabling is a store too, plus a NOP hypercall if an
 *    interrupt came meanwhile (irq_pending), to have it delivered;
 *  - the batch: a page-table update queues the address it changed, and
 *    the hypervisor drains the queue at its next exit of any kind, so 512
 *    updates cost two hypercalls (when the batch fills), not 512;
 *  - the TSC's rate and a page fault's address (CR2), simply read.
 *
 * The IDT, CR3, the ring-3 trap stack (which travels with CR3 in a
 * context switch) and the timer are hypercalls, and
 * so is every access to a device register (HCALL_MMIO, book/08).  The
 * hypervisor delivers each interrupt line on its own vector, with no
 * controller to unmask or acknowledge.  I/O ports have no paravirtual
 * form (the PC's devices are not ours here): rather than be killed for
 * a #GP, which says little, those operations name themselves on the
 * console and shut down.
 *
 * Book: book/05-hypercalls-pvops.md.  Read hv/hypercall.c next.
 */
#include "lib/abi.h"
#include "lib/printf.h"
#include "lib/x86.h"
#include "pvops/hcall.h"
#include "pvops/pvops.h"

/*
 * HCALL_INIT wants a page-aligned address; the union gives the structure
 * the whole page, so the hypervisor's view of it covers nothing else.
 */
static union {
	struct ligeiro_shared s;
	u8 page[PAGE_SIZE];
} shared_page __attribute__((aligned(PAGE_SIZE)));

/* volatile: the hypervisor reads and writes it at every exit. */
volatile struct ligeiro_shared *const pv_shared = &shared_page.s;

static void ligeiro_irq_disable(void)
{
	/* LAB(hypercall): begin */
	pv_shared->irq_enabled = 0;
	/* LAB(hypercall): end */
}

/* Store, then look: one that came before the store is left pending. */
static void ligeiro_irq_enable(void)
{
	/* LAB(hypercall): begin */
	pv_shared->irq_enabled = 1;
	if (pv_shared->irq_pending)
		hcall(LIGEIRO_HCALL_NOP, 0, 0);
	/* LAB(hypercall): end */
}

/* A trap frame's IF is the virtual flag (the hypervisor put it there). */
static void ligeiro_irq_restore(u64 flags)
{
	if (flags & RFLAGS_IF)
		ligeiro_irq_enable();
	else
		ligeiro_irq_disable();
}

/*
 * sti; hlt.  HALT returns at once if an interrupt is pending, and it is
 * delivered on the way back in, since the flag is on.  One delivered at
 * an exit between the store and the hypercall is handled and then slept
 * through, until the next: the kernel's tick is always armed, so that
 * costs at most a tick.
 */
static void ligeiro_halt(void)
{
	/* LAB(hypercall): begin */
	pv_shared->irq_enabled = 1;
	hcall(LIGEIRO_HCALL_HALT, 0, 0);
	/* LAB(hypercall): end */
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

/* The IDT is a page of our identity-mapped kernel: gva = gpa. */
static void ligeiro_load_idt(const void *base, u16 limit)
{
	(void)limit;	/* the hypervisor always reads 256 gates */
	hcall(LIGEIRO_HCALL_LOAD_IDT, (u64)base, 0);
}

/*
 * A context switch is a new ring-3 trap stack and a new address space.
 * NEW_CR3 takes both, so the stack set just before waits here for it:
 * one exit per switch instead of two, as a Xen guest folds both into one
 * multicall.  The launcher's --no-fused-switch makes them two hypercalls
 * again, so that make bench can show the difference.
 */
static bool fused_switch = true;
static u64 next_stack;

static void ligeiro_set_kernel_stack(u64 top)
{
	if (fused_switch)
		next_stack = top;	/* sent by the next load_cr3 */
	else
		hcall(LIGEIRO_HCALL_SET_STACK, top, 0);
}

static u64 ligeiro_read_cr2(void)
{
	return pv_shared->cr2;
}

static void ligeiro_load_cr3(u64 pml4)
{
	/* LAB(hypercall): begin */
	hcall(LIGEIRO_HCALL_NEW_CR3, pml4, next_stack);
	next_stack = 0;
	/* LAB(hypercall): end */
}

/*
 * The hypervisor drains the batch at our next exit and sets the count to
 * 0; a full batch is drained now.  The entry is written before the count
 * that makes it visible.  An exit between reading the count and writing
 * it back (a host interrupt) only repeats some drained addresses.
 */
static void ligeiro_set_pte(u64 *pte, u64 value, u64 va)
{
	/* LAB(hypercall): begin */
	u64 n = pv_shared->batch_count;

	*(volatile u64 *)pte = value;
	if (n >= LIGEIRO_BATCH_MAX) {
		hcall(LIGEIRO_HCALL_FLUSH, 0, 0);
		n = 0;
	}
	pv_shared->batch[n] = va;
	asm volatile("" : : : "memory");
	pv_shared->batch_count = n + 1;
	/* LAB(hypercall): end */
}

static void ligeiro_flush(bool all)
{
	/* LAB(hypercall): begin */
	if (all || pv_shared->batch_count)
		hcall(LIGEIRO_HCALL_FLUSH, all, 0);
	/* LAB(hypercall): end */
}

static u64 ligeiro_tsc_khz(void)
{
	return pv_shared->tsc_khz;
}

static void ligeiro_timer_arm(u64 ns)
{
	/* LAB(hypercall): begin */
	hcall(LIGEIRO_HCALL_SET_TIMER, ns, 0);
	/* LAB(hypercall): end */
}

static void __attribute__((noreturn)) unavailable(const char *op)
{
	printf("pv: %s is not available under ligeiro\n", op);
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

static u32 ligeiro_inl(u16 port)
{
	(void)port;
	unavailable("inl");
}

static void ligeiro_outl(u16 port, u32 value)
{
	(void)port, (void)value;
	unavailable("outl");
}

/* The value read comes back as the result. */
static u32 ligeiro_mmio_read(u64 pa, unsigned int size)
{
	return hcall3(LIGEIRO_HCALL_MMIO, pa, size, 0);
}

static void ligeiro_mmio_write(u64 pa, unsigned int size, u32 value)
{
	hcall3(LIGEIRO_HCALL_MMIO, pa, size | LIGEIRO_MMIO_WRITE, value);
}

/* Nothing to do: no controller between the hypervisor and our IDT. */
static void ligeiro_irq_line(unsigned int line)
{
	(void)line;
}

static const struct pv_ops ligeiro_pv_ops = {
	.console_write		= ligeiro_console_write,
	.load_idt		= ligeiro_load_idt,
	.set_kernel_stack	= ligeiro_set_kernel_stack,
	.halt			= ligeiro_halt,
	.inb			= ligeiro_inb,
	.outb			= ligeiro_outb,
	.read_cr2		= ligeiro_read_cr2,
	.shutdown		= ligeiro_shutdown,
	.irq_disable		= ligeiro_irq_disable,
	.irq_enable		= ligeiro_irq_enable,
	.irq_restore		= ligeiro_irq_restore,
	.load_cr3		= ligeiro_load_cr3,
	.set_pte		= ligeiro_set_pte,
	.flush			= ligeiro_flush,
	.tsc_khz		= ligeiro_tsc_khz,
	.timer_arm		= ligeiro_timer_arm,
	.inl			= ligeiro_inl,
	.outl			= ligeiro_outl,
	.mmio_read		= ligeiro_mmio_read,
	.mmio_write		= ligeiro_mmio_write,
	.irq_unmask		= ligeiro_irq_line,
	.irq_eoi		= ligeiro_irq_line,
};

/**
 * ligeiro_init() - switch pv_ops to this backend; register the shared page.
 * @boot_flags: the launcher's LIGEIRO_BOOT_* (what it turned off).
 *
 * Must come before anything else under ligeiro: until then pv_ops is the
 * native backend, and its first outb would get the guest killed.
 *
 * Return: what HCALL_INIT returned, 0 or a negative errno.
 */
s64 ligeiro_init(u32 boot_flags)
{
	fused_switch = !(boot_flags & LIGEIRO_BOOT_NO_FUSED_SWITCH);
	pv_ops = ligeiro_pv_ops;
	return hcall(LIGEIRO_HCALL_INIT, (u64)&shared_page, 0);
}
