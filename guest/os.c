/*
 * os.c - the operating system proper, the same in both worlds.
 *
 * main.c arrives here from either entry point with the word that names
 * the first program, once the page allocator knows the free memory.  From
 * here on only pv_ops knows whether we run natively or under ligeiro (and
 * probe.c, whose whole business it is):
 *
 *   1. build the kernel's page tables and switch to them (vm.c);
 *   2. load the IDT (trap.c), start the clock and the tick (time.c);
 *   3. `probe` runs right here in the kernel instead, and stops (probe.c);
 *   4. find the virtio devices and start their drivers (virtio.c);
 *   5. for `tests`, check the kernel's own machinery (below);
 *   6. start the program as process 1 and leave the boot stack for it.
 *
 * When process 1 exits the run is over: os_done() shuts down, with
 * LIGEIRO_GUEST_OK only if every check passed and the program exited
 * with 0 (the test suite exits with its number of failures).  RESULT
 * lines are the same in both worlds; what differs (memory sizes, TSC
 * rates) goes on lines of its own.
 *
 * Book: book/02-guest.md.  Read vm.c next.
 */
#include "layout.h"
#include "lib.h"
#include "os.h"
#include "printf.h"
#include "proc.h"
#include "pvops.h"
#include "result.h"
#include "time.h"
#include "trap.h"
#include "usys.h"
#include "virtio.h"
#include "vm.h"

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

/** console_write() - the kernel's printf output: pv_ops.console_write. */
void console_write(const char *s, size_t len)
{
	pv_ops.console_write(s, len);
}

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
 * The programs that are not processes: probe looks at the CPU as the
 * kernel sees it, at the kernel's own ring (probe.c); badring breaks the
 * disk's virtqueue to test the device's defences (virtio_blk.c).
 */
#define KERNEL_PROGRAM	"probe"
#define BADRING_PROGRAM	"badring"

/**
 * os_program() - whether os_start() can run the program a word names.
 * @word: a word of the command line: "name" or "name=N".  On success the
 *	"=N" is cut off, leaving the name.
 * @arg: gets N, the argument of the program's first process (0 if none);
 *	the loops take it as their count.
 *
 * Return: true for a built-in program (programs.S) or probe.
 */
bool os_program(char *word, u64 *arg)
{
	char *eq = word, had;

	while (*eq && *eq != '=')
		eq++;
	*arg = 0;
	if (*eq && !parse_u64(eq + 1, arg))
		return false;
	had = *eq;
	*eq = '\0';
	if (program_find(word) || streq(word, KERNEL_PROGRAM) ||
	    streq(word, BADRING_PROGRAM))
		return true;
	*eq = had;	/* the whole word, for the error message */
	return false;
}

/**
 * os_start() - bring the kernel up and run the first program.
 * @word: the program, as the command line named it (os_program()).
 * @arg: the argument of its first process.
 * @ram_end: the end of guest RAM, which the kernel maps.
 *
 * The caller has given the page allocator the free memory it found; had
 * it found none, it would have failed mem.map and stopped.
 */
void os_start(const char *word, u64 arg, u64 ram_end)
{
	vm_init(ram_end);
	trap_init();
	time_init();
	if (streq(word, KERNEL_PROGRAM))
		probe_run();
	virtio_init();
	if (streq(word, BADRING_PROGRAM))
		blk_badring();
	if (streq(word, "tests")) {
		check_exception();
		check_pagefault();
		result_pass("mem.map", "usable memory above the kernel");
		check_timer();
	}
	if (proc_spawn(word, arg) != 1) {
		result_fail("os.start", "cannot start program %s", word);
		result_finish();
	}
	proc_run();
}

/**
 * os_done() - the first process has exited: report and shut down.
 * @name: its program.
 * @status: its exit status.
 */
void os_done(const char *name, int status)
{
	printf("ligeiro guest: program %s exited with status %d\n",
	       name, status);
	if (status)
		result_fail("os.exit", "program %s exited with status %d",
			    name, status);
	result_finish();
}
