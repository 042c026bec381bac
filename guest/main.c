/*
 * main.c - the guest kernel's life, from first C line to shutdown.
 *
 * There are two ways in.  Booted natively, boot.S arrives in guest_main()
 * in 64-bit mode with the multiboot2 magic and the address of the boot
 * information.  We bring up the console, say hello, install the IDT and
 * the PIC, and then run four checks, each proving one piece of the
 * machine works the way the book says:
 *
 *   idt.breakpoint  an int3 reaches trap() as vector 3, RIP just past it;
 *   idt.pagefault   touching unmapped memory faults with the right CR2,
 *                   and we can recover and carry on;
 *   mem.map         the loader's memory map is readable and sane;
 *   timer.ticks     the PIT interrupts us through the PIC, 100 times a
 *                   second, while we sleep in hlt.
 *
 * Started by ligeiro, boot.S arrives in ligeiro_main() at ring 1 instead,
 * with no IDT and no devices: that half runs the checks that make sense
 * there (pv.*), or what the command line asks for: a benchmark, an exit
 * code, or a deliberate offence the hypervisor must kill us for.
 *
 * Each check prints a RESULT line (result.c); the tally decides the exit
 * code, the same way for both.
 *
 * Book: book/02-guest.md, "The guest kernel", and for ligeiro_main()
 * book/05-hypercalls-pvops.md.  Read pvops.h next: every privileged
 * operation below goes through it.
 */
#include "abi.h"
#include "hcall.h"
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
	result_finish();
}

/*
 * Under ligeiro: ring 1, hypercalls, no IDT (a fault kills the guest).
 */

#define PV_NOPS		100
#define PV_MEM_MAX	(1UL << 47)	/* the identity map's lower half */
#define HCALL_UNKNOWN	0x7fff
/* The host's direct map of all its memory (Linux, without KASLR). */
#define HOST_DIRECT_MAP	0xffff888000000000UL

extern char __bss_end[];	/* the end of our image, from guest.ld */

/* rdtsc is allowed at ring 1; the lfence keeps earlier work out of it. */
static u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return (u64)hi << 32 | lo;
}

static u64 read_rflags(void)
{
	u64 flags;

	asm volatile("pushfq; popq %0" : "=r" (flags));
	return flags;
}

static void check_pv_init(s64 err)
{
	u64 addr = pv_shared->switcher_addr;

	if (err)
		result_fail("pv.init", "HCALL_INIT returned %ld", err);
	else if (!(addr >> 63))
		result_fail("pv.init", "switcher_addr=%#lx is not in the "
			    "upper half", addr);
	else
		result_pass("pv.init", "switcher=%#lx", addr);
}

/* The virtual flag follows irq_disable/enable; the real one stays on. */
static void check_pv_irqflag(void)
{
	u64 on, off;

	pv_ops.irq_enable();
	on = pv_shared->irq_enabled;
	pv_ops.irq_disable();
	off = pv_shared->irq_enabled;
	if (on != 1 || off != 0)
		result_fail("pv.irqflag", "enable left %lu, disable left %lu",
			    on, off);
	else if (!(read_rflags() & RFLAGS_IF))
		result_fail("pv.irqflag", "the real interrupt flag is off");
	else
		result_pass("pv.irqflag", "enabled=%lu disabled=%lu", on, off);
}

static void check_pv_nop(void)
{
	unsigned int calls;
	s64 err = 0;

	for (calls = 0; calls < PV_NOPS && !err; calls++)
		err = hcall(LIGEIRO_HCALL_NOP, 0, 0);
	if (err)
		result_fail("pv.nop", "call %u returned %ld", calls, err);
	else
		result_pass("pv.nop", "calls=%u", calls);
}

/*
 * mem_size must be whole pages, hold our image and the boot structure,
 * and stay in the lower half; then its last byte must be RAM.
 */
static void check_pv_mem(const struct ligeiro_boot *boot)
{
	u64 size = boot->mem_size;
	volatile u8 *last = (volatile u8 *)(size - 1);
	u8 saved, want, seen;

	if (size % PAGE_SIZE || size > PV_MEM_MAX ||
	    size < (u64)__bss_end || (u64)(boot + 1) > size) {
		result_fail("pv.mem", "mem_size=%#lx cannot be right", size);
		return;
	}
	saved = *last;
	want = ~saved;
	*last = want;
	seen = *last;
	*last = saved;
	if (seen != want)
		result_fail("pv.mem", "wrote %#x at %#lx, read back %#x",
			    want, size - 1, seen);
	else
		result_pass("pv.mem", "mem_kib=%lu", size >> 10);
}

/*
 * nops=N: a hypercall's round trip in TSC ticks, next to the same loop
 * without it (the asm hides err from the optimiser, to keep the loop).
 */
static void bench_nops(u64 n)
{
	u64 i, t0, t1, t2;
	s64 err = 0;

	t0 = rdtsc();
	for (i = 0; i < n && !err; i++)
		asm volatile("" : "+r" (err));
	t1 = rdtsc();
	for (i = 0; i < n && !err; i++)
		err = hcall(LIGEIRO_HCALL_NOP, 0, 0);
	t2 = rdtsc();
	if (err)
		result_fail("pv.nops", "call %lu returned %ld", i, err);
	else
		result_pass("pv.nops", "n=%lu tsc=%lu tsc_empty=%lu",
			    n, t2 - t1, t1 - t0);
}

/*
 * fpu=N: put N in %xmm0 and check after each of many hypercalls that it
 * is still there.  Two guests pinned to one CPU with different N would
 * see each other's value if the hypervisor mixed up their FPU states
 * when Linux switches between their vCPU threads.
 */
#define FPU_ROUNDS	200000

static void check_fpu(u64 n)
{
	u64 i, seen = n;

	asm volatile("movq %0, %%xmm0" : : "r" (n));
	for (i = 0; i < FPU_ROUNDS && seen == n; i++) {
		hcall(LIGEIRO_HCALL_NOP, 0, 0);
		asm volatile("movq %%xmm0, %0" : "=r" (seen));
	}
	if (seen != n)
		result_fail("pv.fpu", "xmm0 was %#lx, now %#lx, after %lu calls",
			    n, seen, i);
	else
		result_pass("pv.fpu", "xmm0=%#lx kept over %lu calls", n, i);
}

/*
 * hostile=<what>: what a guest must not get away with.  The hypervisor
 * must kill us for each; if we are still here afterwards, that is a bug.
 */
enum { HOSTILE_PRIV, HOSTILE_SWITCHER, HOSTILE_UPPER, HOSTILE_HCALL,
       HOSTILE_BADPTR, HOSTILE_ACTS };

static const char *const hostile_checks[HOSTILE_ACTS] = {
	[HOSTILE_PRIV]		= "hostile.priv",	/* mov from %cr3 */
	[HOSTILE_SWITCHER]	= "hostile.switcher",	/* read-only page */
	[HOSTILE_UPPER]		= "hostile.upper",	/* host memory */
	[HOSTILE_HCALL]		= "hostile.hcall",	/* no such call */
	[HOSTILE_BADPTR]	= "hostile.badptr",	/* text past RAM */
};

/* If word is key (ending in '=') and a value, the value, else NULL. */
static const char *param(const char *word, const char *key)
{
	while (*key)
		if (*word++ != *key++)
			return NULL;
	return word;
}

static bool streq(const char *a, const char *b)
{
	const char *rest = param(a, b);

	return rest && !*rest;
}

/* Returns only if what is not one of hostile_checks[]. */
static void hostile(const char *what, u64 mem_size)
{
	unsigned int i;

	for (i = 0; i < HOSTILE_ACTS; i++)
		if (streq(what, hostile_checks[i] + sizeof("hostile.") - 1))
			break;
	if (i == HOSTILE_ACTS)
		return;
	printf("hostile: %s\n", what);
	switch (i) {
	case HOSTILE_PRIV:
		asm volatile("mov %%cr3, %%rax" : : : "rax");
		break;
	case HOSTILE_SWITCHER:
		*(volatile u64 *)pv_shared->switcher_addr = 0;
		break;
	case HOSTILE_UPPER:
		asm volatile("jmp *%0" : : "r" (HOST_DIRECT_MAP));
		break;
	case HOSTILE_HCALL:
		hcall(HCALL_UNKNOWN, 0, 0);
		break;
	case HOSTILE_BADPTR:
		hcall(LIGEIRO_HCALL_CONSOLE, mem_size, 1);
		break;
	}
	result_fail(hostile_checks[i], "survived");
	result_finish();
}

/* Decimal, at most 19 digits: no overflow in 64 bits.  NULL is no number. */
static bool parse_u64(const char *s, u64 *value)
{
	unsigned int digits;

	*value = 0;
	for (digits = 0; s && s[digits] >= '0' && s[digits] <= '9'; digits++)
		*value = *value * 10 + s[digits] - '0';
	return digits && digits <= 19 && !s[digits];
}

/*
 * One command-line word.  Only nops= and fpu= return, so words after
 * them run too.
 * exit= takes any u8, so a test can see the hypervisor refuse codes
 * above LIGEIRO_EXIT_GUEST_MAX.  spin never yields: killing the launcher
 * must still get us off the CPU.
 */
static void run_word(const char *word, u64 mem_size)
{
	const char *value;
	u64 n;

	if (streq(word, "spin")) {
		printf("spinning\n");
		pv_ops.irq_disable();
		for (;;)
			;
	}
	if (parse_u64(param(word, "exit="), &n) && n <= 0xff)
		pv_ops.shutdown(n);
	if (parse_u64(param(word, "nops="), &n)) {
		bench_nops(n);
		return;
	}
	if (parse_u64(param(word, "fpu="), &n)) {
		check_fpu(n);
		return;
	}
	value = param(word, "hostile=");
	if (value)
		hostile(value, mem_size);
	printf("unknown command-line word: %s\n", word);
	pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
}

/* The next word at *p, terminated in place; NULL when there is none. */
static char *next_word(char **p)
{
	char *word;

	while (**p == ' ')
		(*p)++;
	if (!**p)
		return NULL;
	word = *p;
	while (**p && **p != ' ')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return word;
}

/**
 * ligeiro_main() - the guest kernel under ligeiro, from boot.S to shutdown.
 * @boot: what the launcher left in guest memory: its size, the command line.
 *
 * The command line's words run in order; with none, the pv.* checks do.
 */
void ligeiro_main(const struct ligeiro_boot *boot)
{
	static char cmdline[LIGEIRO_CMDLINE_MAX + 1];	/* stays terminated */
	s64 init_err = ligeiro_init();
	char *p = cmdline, *word;
	unsigned int i;

	printf("ligeiro guest: booted under ligeiro (pv)\n");
	/* Never read past the field: the launcher need not terminate it. */
	for (i = 0; i < LIGEIRO_CMDLINE_MAX && boot->cmdline[i]; i++)
		cmdline[i] = boot->cmdline[i];
	word = next_word(&p);
	if (!word) {
		check_pv_init(init_err);
		check_pv_irqflag();
		check_pv_nop();
		check_pv_mem(boot);
	}
	for (; word; word = next_word(&p))
		run_word(word, boot->mem_size);
	result_finish();
}
