/*
 * main.c - the guest kernel's life, from first C line to shutdown.
 *
 * boot.S arrives here in 64-bit mode with the multiboot2 magic and the
 * address of the boot information.  We bring up the console, say hello,
 * install the IDT and the PIC, and then run four checks, each proving one
 * piece of the machine works the way the book says:
 *
 *   idt.breakpoint  an int3 reaches trap() as vector 3, RIP just past it;
 *   idt.pagefault   touching unmapped memory faults with the right CR2,
 *                   and we can recover and carry on;
 *   mem.map         the loader's memory map is readable and sane;
 *   timer.ticks     the PIT interrupts us through the PIC, 100 times a
 *                   second, while we sleep in hlt.
 *
 * Each prints a RESULT line (result.c); the tally decides the exit code.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read pvops.h next: every
 * privileged operation below goes through it.
 */
#include "abi.h"
#include "layout.h"
#include "mmap.h"
#include "multiboot2.h"
#include "pic.h"
#include "pit.h"
#include "printf.h"
#include "pvops.h"
#include "result.h"
#include "trap.h"

#define TIMER_HZ		100
#define TIMER_TARGET_TICKS	10

/*
 * How long to wait, busy, for the first tick, which is due after 10 ms:
 * about two seconds under QEMU's TCG, a fraction of that on hardware.
 * Until one tick has arrived we must not hlt: if the timer is not
 * working, nothing would ever wake us.
 */
#define FIRST_TICK_SPINS	100000000UL

/* After that, each hlt ends with a tick, save for the odd stray wakeup. */
#define MAX_WAKEUPS		(4 * TIMER_TARGET_TICKS)

/*
 * The int3 and the faulting load below are followed by global labels, so
 * that the checks know exactly which RIP the CPU must report.  A global
 * label may exist only once: hence noinline and noclone.
 */
static void __attribute__((noinline, noclone)) check_breakpoint(void)
{
	extern const char bp_resume[];
	struct trap_record rec;

	trap_expect(T_BP, 0);
	asm volatile("int3\n"
		     ".globl bp_resume\n"
		     "bp_resume:" : : : "memory");

	if (!trap_caught(&rec))
		result_fail("idt.breakpoint", "int3 never reached trap()");
	else if (rec.vector != T_BP)
		result_fail("idt.breakpoint", "vector=%lu", rec.vector);
	else if (rec.rip != (u64)bp_resume)
		result_fail("idt.breakpoint", "rip=%#lx, expected %#lx",
			    rec.rip, (u64)bp_resume);
	else
		result_pass("idt.breakpoint", "vector=%lu rip=%#lx",
			    rec.vector, rec.rip);
}

static void __attribute__((noinline, noclone)) check_pagefault(void)
{
	extern const char pf_load[], pf_resume[];
	u64 addr = IDENTITY_MAP_END;	/* just past what boot.S mapped */
	struct trap_record rec;

	trap_expect(T_PF, (u64)pf_resume);
	asm volatile(".globl pf_load, pf_resume\n"
		     "pf_load: movb (%0), %%al\n"
		     "pf_resume:" : : "r" (addr) : "rax", "memory");

	if (!trap_caught(&rec))
		result_fail("idt.pagefault", "reading %#lx did not fault",
			    addr);
	else if (rec.cr2 != addr)
		result_fail("idt.pagefault", "cr2=%#lx, expected %#lx",
			    rec.cr2, addr);
	else if (rec.error & PF_PRESENT)
		result_fail("idt.pagefault", "error=%#lx: page was present",
			    rec.error);
	else if (rec.rip != (u64)pf_load)
		result_fail("idt.pagefault", "rip=%#lx, expected %#lx",
			    rec.rip, (u64)pf_load);
	else
		result_pass("idt.pagefault", "cr2=%#lx", rec.cr2);
}

static void check_memory_map(u32 magic, u64 info_addr)
{
	struct mem_summary sum;
	const char *err;

	if (magic != MB2_BOOTLOADER_MAGIC) {
		result_fail("mem.map", "not started by a multiboot2 loader "
			    "(magic %#x)", magic);
		return;
	}
	err = mmap_read(info_addr, &sum);
	if (err)
		result_fail("mem.map", "%s", err);
	else if (!sum.usable_high)
		result_fail("mem.map", "no usable memory above 1 MiB "
			    "(regions=%u usable_kib=%lu)",
			    sum.regions, sum.usable_bytes / 1024);
	else
		result_pass("mem.map", "regions=%u usable_kib=%lu",
			    sum.regions, sum.usable_bytes / 1024);
}

/* Spin with interrupts on until the first tick; true if it came. */
static bool wait_first_tick(void)
{
	unsigned long spins;

	/*
	 * No "pause" in the loop: under TCG it leaves the translated code
	 * every time, which makes the loop many times slower.
	 */
	pv_ops.irq_enable();
	for (spins = 0; !pit_ticks() && spins < FIRST_TICK_SPINS; spins++)
		;
	pv_ops.irq_disable();
	return pit_ticks() != 0;
}

/*
 * Sleep until the target: check with interrupts off, then halt, which
 * turns them on and waits as one step, so a tick between the check and
 * the hlt still wakes us.
 */
static void check_timer(void)
{
	unsigned int wakeups = 0;

	pit_init(TIMER_HZ);
	pic_unmask(PIT_IRQ);
	if (wait_first_tick()) {
		while (pit_ticks() < TIMER_TARGET_TICKS &&
		       wakeups++ < MAX_WAKEUPS) {
			pv_ops.halt();
			pv_ops.irq_disable();
		}
	}
	pic_mask(PIT_IRQ);

	if (!pit_ticks())
		result_fail("timer.ticks", "no timer interrupt arrived");
	else if (pit_ticks() < TIMER_TARGET_TICKS)
		result_fail("timer.ticks", "ticks=%lu after %u wakeups",
			    pit_ticks(), wakeups);
	else
		result_pass("timer.ticks", "ticks=%lu hz=%u",
			    pit_ticks(), TIMER_HZ);
}

/**
 * guest_main() - the guest kernel, from boot.S to shutdown.
 * @magic: EAX as the loader left it; MB2_BOOTLOADER_MAGIC from GRUB.
 * @info_addr: EBX as the loader left it: the multiboot2 information.
 */
void guest_main(u32 magic, u64 info_addr)
{
	native_init();
	printf("ligeiro guest: booted natively (multiboot2)\n");
	trap_init();
	pic_init();

	check_breakpoint();
	check_pagefault();
	check_memory_map(magic, info_addr);
	check_timer();

	if (result_summary())
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	pv_ops.shutdown(LIGEIRO_GUEST_OK);
}
