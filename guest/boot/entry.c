/*
 * entry.c - the guest kernel's two ways in, and its command line.
 *
 * Booted natively, boot.S arrives in guest_main() in 64-bit mode with the
 * multiboot2 magic and the address of the boot information, from which
 * we take the memory map and the command line.  Started by ligeiro,
 * boot.S arrives in ligeiro_main() at ring 1 instead, with the boot
 * block's memory size, mode and command line.  In pv mode pv_ops switches
 * to hypercalls (ligeiro.c); in trap mode it stays native, and the
 * hypervisor emulates each privileged instruction.  Either way the first
 * word of the command line names a built-in program, and os.c runs it as
 * the first process of the same small operating system:
 *
 *   tests    the kernel's own checks, then the test suite (user/tests.c)
 *   bench    BENCH lines: system call, page fault, context switch
 *   sysloop  exactly 100000 getpid system calls
 *   ctxloop  two processes yielding to each other 1000 times each
 *   ctxring  P processes taking turns (ctxring=P): switches by count
 *   pfloop   1000 demand-zero page faults
 *
 * (the three loops take another count as `name=N`, e.g. sysloop=500)
 *   batch    one system call that updates 512 page-table entries
 *   probe    PROBE lines: what the kernel sees of its ring (probe.c)
 *   shell    an interactive shell on the console: COM1 natively, or a
 *            virtio console (book/09-virtio.md)
 *   disktest, diskread, rngtest   the virtio disk and entropy device
 *   instr3   under ligeiro, every privileged and sensitive instruction
 *            at ring 3 (selftest/instr.c), each in a process of its own
 *
 * Natively and in trap mode an empty command line means `tests`.  In pv
 * mode it means the pv.* checks of the hypervisor's interface alone, and
 * a few more words exist for the hypervisor's own tests (see run_word()).
 *
 * Each check prints a RESULT line (result.c); the tally decides the exit
 * code, the same way for both.
 *
 * Book: book/02-guest.md, "The guest kernel", for ligeiro_main()
 * book/05-hypercalls-pvops.md, and for trap mode
 * book/08-trap-and-emulate.md.  Read mmap.h next.
 */
#include "boot/mmap.h"
#include "boot/multiboot2.h"
#include "kernel/os.h"
#include "kernel/page.h"
#include "lib/abi.h"
#include "lib/lib.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "pvops/pvops.h"
#include "selftest/hcfuzz.h"
#include "selftest/hostile.h"
#include "selftest/instr.h"
#include "selftest/pvcheck.h"

#define CMDLINE_MAX	LIGEIRO_CMDLINE_MAX

extern char __bss_end[];	/* the end of our image, from guest.ld */

enum guest_mode guest_mode;	/* set first thing by each entry point */
u32 guest_boot_flags;

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

/* Copy at most CMDLINE_MAX bytes of src: the source need not end. */
static char *copy_cmdline(const char *src)
{
	static char cmdline[CMDLINE_MAX + 1];	/* stays terminated */
	unsigned int i;

	for (i = 0; i < CMDLINE_MAX && src[i]; i++)
		cmdline[i] = src[i];
	return cmdline;
}

static void __attribute__((noreturn)) unknown_word(const char *word)
{
	printf("unknown command-line word: %s\n", word);
	pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
}

/**
 * guest_main() - the guest kernel, from boot.S to the first process.
 * @magic: EAX as the loader left it; MB2_BOOTLOADER_MAGIC from GRUB.
 * @info_addr: EBX as the loader left it: the multiboot2 information.
 */
void guest_main(u32 magic, u64 info_addr)
{
	struct mem_summary sum = { 0 };
	const char *err;
	char *p, *word, *extra;
	u64 arg;

	guest_mode = GUEST_NATIVE;
	native_init();
	printf("ligeiro guest: booted natively (multiboot2)\n");
	if (magic != MB2_BOOTLOADER_MAGIC) {
		result_fail("mem.map", "not started by a multiboot2 loader "
			    "(magic %#x)", magic);
		result_finish();
	}
	/* Both come from memory that page_alloc() may hand out later. */
	p = copy_cmdline(mmap_cmdline(info_addr));
	err = mmap_read(info_addr, PAGE_UP((u64)__bss_end), &sum);
	if (!err && !sum.usable_high)
		err = "no usable memory above 1 MiB";
	if (err) {
		result_fail("mem.map", "%s", err);
		result_finish();
	}
	printf("mem: usable_kib=%lu regions=%u\n", sum.usable_bytes / 1024,
	       sum.regions);
	word = next_word(&p);
	if (!word)
		word = "tests";
	if (!os_program(word, &arg))
		unknown_word(word);
	if ((extra = next_word(&p)))
		unknown_word(extra);
	os_start(word, arg, sum.ram_end);
}

/*
 * Under ligeiro: ring 1, hypercalls or trapped instructions.  Until
 * os_start() has loaded an IDT, any fault kills the guest.
 */

#define PV_MEM_MAX	(1UL << 47)	/* the identity map's lower half */

/*
 * mem_size must be whole pages, hold our image and the boot structure,
 * and stay in the lower half.
 */
static bool boot_mem_sane(const struct ligeiro_boot *boot)
{
	u64 size = boot->mem_size;

	return !(size % PAGE_SIZE) && size <= PV_MEM_MAX &&
	       size >= (u64)__bss_end && (u64)(boot + 1) <= size;
}

/* If word is key (ending in '=') and a value, the value, else NULL. */
static const char *param(const char *word, const char *key)
{
	while (*key)
		if (*word++ != *key++)
			return NULL;
	return word;
}

/*
 * A program's name: the operating system takes over, with the memory
 * after the boot block, up to mem_size, in either mode.  The shell needs
 * the launcher's virtio console for input; without one it says so and
 * exits.
 */
static void __attribute__((noreturn))
boot_os_start(const char *word, u64 arg, const struct ligeiro_boot *boot)
{
	if (!boot_mem_sane(boot)) {
		result_fail("mem.map", "mem_size=%#lx cannot be right",
			    boot->mem_size);
		result_finish();
	}
	page_add_range((u64)(boot + 1), boot->mem_size);
	printf("mem: usable_kib=%lu regions=1\n", boot->mem_size / 1024);
	os_start(word, arg, boot->mem_size);
}

/*
 * One command-line word.  Only nops= and fpu= return, so words after
 * them run too; a program's name never does.
 * exit= takes any u8, so a test can see the hypervisor refuse codes
 * above LIGEIRO_EXIT_GUEST_MAX.  spin never yields: killing the launcher
 * must still get us off the CPU.  Both work in trap mode too (cli and
 * out trap), and so do the hostile= acts that make no hypercall and the
 * instruction cases, instr_kill= and instr_ok (instr1.c); nops=, fpu=,
 * hcfuzz= and hcfuzz_kill= are about hypercalls, so trap mode refuses
 * them.
 */
static void run_word(char *word, const struct ligeiro_boot *boot)
{
	const char *value;
	u64 n;

	if (os_program(word, &n))
		boot_os_start(word, n, boot);

	if (streq(word, "spin")) {
		printf("spinning\n");
		pv_ops.irq_disable();
		for (;;)
			;
	}
	if (parse_u64(param(word, "exit="), &n) && n <= 0xff)
		pv_ops.shutdown(n);
	value = param(word, "hostile=");
	if (value)
		hostile(value, boot->mem_size);
	if (parse_u64(param(word, "instr_kill="), &n))
		instr_kill(n);
	if (streq(word, "instr_ok"))
		instr_ok();
	if (guest_mode == GUEST_TRAP) {
		printf("unknown command-line word in trap mode: %s "
		       "(nops=, fpu=, hcfuzz= and hcfuzz_kill= make "
		       "hypercalls)\n", word);
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	if (parse_u64(param(word, "hcfuzz="), &n))
		hcfuzz(n, boot->mem_size);
	if (parse_u64(param(word, "hcfuzz_kill="), &n))
		hcfuzz_kill(n, boot->mem_size);
	if (parse_u64(param(word, "nops="), &n)) {
		bench_nops(n);
		return;
	}
	if (parse_u64(param(word, "fpu="), &n)) {
		check_fpu(n);
		return;
	}
	unknown_word(word);
}

/*
 * Trap mode: pv_ops stays the native backend, at ring 1, and ligeiro
 * emulates what it does: cli, out to COM1, mov to %cr3...  So the start
 * is the native one, and as natively one word runs, `tests` if none.
 */
static void __attribute__((noreturn)) trap_main(const struct ligeiro_boot *boot)
{
	char *p, *word, *extra;

	guest_mode = GUEST_TRAP;
	native_init();
	printf("ligeiro guest: booted under ligeiro (trap-and-emulate)\n");
	p = copy_cmdline(boot->cmdline);
	word = next_word(&p);
	if (!word)
		word = "tests";
	if ((extra = next_word(&p)))
		unknown_word(extra);
	run_word(word, boot);
	/* Not reached: only nops= and fpu= return; trap mode refuses both. */
	unknown_word(word);
}

/**
 * ligeiro_main() - the guest kernel under ligeiro, from boot.S to shutdown.
 * @boot: what the launcher left in guest memory: its size, the mode, the
 *	command line.
 *
 * In pv mode the command line's words run in order; with none, the pv.*
 * checks do.  Trap mode starts as a native boot would (trap_main()).
 */
void ligeiro_main(const struct ligeiro_boot *boot)
{
	s64 init_err;
	char *p, *word;

	guest_boot_flags = boot->flags;
	if (boot->mode == LIGEIRO_MODE_TRAP)
		trap_main(boot);
	guest_mode = GUEST_PV;
	init_err = ligeiro_init(boot->flags);
	/*
	 * Any other mode is a launcher we do not understand.  Hypercalls
	 * are the one way every ligeiro has listened; if this one kills us
	 * for trying, that fails just as clearly.
	 */
	if (boot->mode != LIGEIRO_MODE_PV) {
		printf("ligeiro guest: unknown mode %u in the boot block\n",
		       boot->mode);
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	printf("ligeiro guest: booted under ligeiro (pv)\n");
	/* Never read past the field: the launcher need not terminate it. */
	p = copy_cmdline(boot->cmdline);
	word = next_word(&p);
	if (!word)
		pv_checks(init_err, boot, boot_mem_sane(boot));
	for (; word; word = next_word(&p))
		run_word(word, boot);
	result_finish();
}
