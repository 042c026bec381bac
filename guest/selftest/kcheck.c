/*
 * kcheck.c - the kernel checks its own machinery before `tests` runs.
 *
 * Four checks, whose RESULT lines are the same natively and under
 * ligeiro: an invalid opcode reaches trap() with the right RIP
 * (idt.exception), a load from an unmapped kernel address faults with
 * the right CR2 and a not-present error code (idt.pagefault), a page's
 * accessed and dirty bits are set by a read and a write as the MMU sets
 * them, however the page tables are really walked (vm.accessed_dirty),
 * and the timer ticks at about TIMER_HZ (timer.ticks).  mem.map passed already
 * when we get here: the page allocator found memory.
 *
 * Book: book/02-guest.md, "Segments, the TSS and the IDT".  Read hv/uapi/ligeiro.h next.
 */
#include "boot/layout.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/usys.h"
#include "kernel/vm.h"
#include "lib/result.h"
#include "lib/x86.h"
#include "pvops/pvops.h"
#include "selftest/kcheck.h"

#define TIMER_TARGET_TICKS	10

/* Far past any RAM and far below user space: mapped in no world. */
#define UNMAPPED_KERNEL_ADDR	0x0000004000000000UL

/*
 * Until a first tick has come we must not halt, or a broken timer would
 * leave us asleep forever: spin up to about two seconds under QEMU's TCG.
 * After that each halt ends with a tick, save for the odd stray wakeup.
 */
#define FIRST_TICK_SPINS	100000000UL
#define MAX_WAKEUPS		(4 * TIMER_TARGET_TICKS)

/*
 * The ud2 and the faulting load below are followed by global labels, so
 * that the checks know exactly which RIP the CPU must report.  A global
 * label may exist only once: hence noinline and noclone.
 */
static void __attribute__((noinline, noclone)) check_exception(void)
{
	extern const char ud_insn[], ud_resume[];
	struct trap_record rec;

	trap_expect(T_UD, (u64)ud_resume);
	asm volatile(".globl ud_insn, ud_resume\n"
		     "ud_insn: ud2\n"
		     "ud_resume:" : : : "memory");

	if (!trap_caught(&rec))
		result_fail("idt.exception", "ud2 never reached trap()");
	else if (rec.rip != (u64)ud_insn)
		result_fail("idt.exception", "rip=%#lx, expected %#lx",
			    rec.rip, (u64)ud_insn);
	else
		result_pass("idt.exception", "vector=%lu", rec.vector);
}

static void __attribute__((noinline, noclone)) check_pagefault(void)
{
	extern const char pf_load[], pf_resume[];
	u64 addr = UNMAPPED_KERNEL_ADDR;
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

/*
 * Wait for n ticks: busy for the first, then halted (halt enables
 * interrupts and waits as one step, so no tick is slept through).  Call
 * it with interrupts disabled, as the kernel always runs; they are
 * disabled again on return.  It does not save and restore the flag: that
 * would mean reading it with pushf, which at ring 1 in trap mode shows
 * the real IF, always on (pvops.h).  No "pause" in the busy loop: under
 * TCG it leaves the translated code every time.
 */
static u64 wait_ticks(u64 n)
{
	u64 start = time_ticks();
	unsigned long spins, wakeups = 0;

	pv_ops.irq_enable();
	for (spins = 0; time_ticks() == start && spins < FIRST_TICK_SPINS;
	     spins++)
		;
	pv_ops.irq_disable();
	while (time_ticks() != start && time_ticks() - start < n &&
	       wakeups++ < MAX_WAKEUPS) {
		pv_ops.halt();
		pv_ops.irq_disable();
	}
	return time_ticks() - start;
}

/* Ticks come, at about TIMER_HZ by the TSC clock: within 50% to 10x. */
static void check_timer(void)
{
	u64 t0 = time_ns(), ticks = wait_ticks(TIMER_TARGET_TICKS);
	u64 ms = (time_ns() - t0) / 1000000;
	u64 want = TIMER_TARGET_TICKS * 1000 / TIMER_HZ;

	if (!ticks)
		result_fail("timer.ticks", "no timer interrupt arrived");
	else if (ticks < TIMER_TARGET_TICKS)
		result_fail("timer.ticks", "ticks=%lu, then no more", ticks);
	else if (ms < want / 2 || ms > want * 10)
		result_fail("timer.ticks", "%lu ticks took %lu ms", ticks, ms);
	else
		result_pass("timer.ticks", "ticks=%u hz=%u",
			    TIMER_TARGET_TICKS, TIMER_HZ);
}

/*
 * A fresh page in an address space of its own: neither bit at first, A
 * after a read, D after a write too.  Natively the MMU sets them; under
 * ligeiro it is the shadow's walk (book/06, "Accessed and dirty bits").
 */
#define AD_PAGE		USER_BASE

static void check_accessed_dirty(void)
{
	u64 *pml4 = vm_new(), seen[3];
	volatile u8 *p = (volatile u8 *)AD_PAGE;
	volatile u64 *pte;	/* the MMU writes it behind the compiler */

	if (!pml4 || !vm_map_zero(pml4, AD_PAGE)) {
		result_fail("vm.accessed_dirty", "no memory for the check");
		return;
	}
	vm_switch(pml4);
	pte = vm_pte(pml4, AD_PAGE);
	seen[0] = *pte & (PTE_A | PTE_D);
	(void)*p;
	seen[1] = *pte & (PTE_A | PTE_D);
	*p = 1;
	seen[2] = *pte & (PTE_A | PTE_D);
	vm_switch(NULL);
	vm_free(pml4);
	if (seen[0] || seen[1] != PTE_A || seen[2] != (PTE_A | PTE_D))
		result_fail("vm.accessed_dirty", "A|D bits %#lx, %#lx after a read, %#lx after a write",
			    seen[0], seen[1], seen[2]);
	else
		result_pass("vm.accessed_dirty", "none, A after a read, A and D after a write");
}

/**
 * kernel_checks() - idt.exception, idt.pagefault, mem.map,
 * vm.accessed_dirty, timer.ticks.
 */
void kernel_checks(void)
{
	check_exception();
	check_pagefault();
	check_accessed_dirty();
	result_pass("mem.map", "usable memory above the kernel");
	check_timer();
}
