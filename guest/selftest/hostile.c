/*
 * hostile.c - the guest turned attacker: what the hypervisor must refuse,
 * and what it must survive.
 *
 * `hostile=<what>` on the command line under ligeiro runs one act of a
 * guest kernel that means harm, or that does something odd that hardware
 * allows: privileged instructions at ring 1, writes to the Switcher,
 * unknown hypercalls, page tables that loop or reach outside guest
 * memory, a forged NMI note, FPU state that must not leak into the
 * launcher, a null %ss at every exit, a flood of shadow tables.  The
 * acts that make no hypercall run as a native kernel's would in trap
 * mode too.  tests/host/worldswitch.sh and hardening.sh say what each
 * must end in.
 *
 * Book: book/04-world-switch.md, "What a guest may try".  Read
 * hcfuzz.h next.
 */
#include "kernel/os.h"
#include "kernel/page.h"
#include "lib/abi.h"
#include "lib/lib.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "lib/x86.h"
#include "pvops/hcall.h"
#include "pvops/pvops.h"
#include "selftest/hostile.h"

#define HCALL_UNKNOWN	0x7fff
/* The first address of the upper half, where the host lives. */
#define UPPER_HALF	0xffff800000000000UL

/*
 * The acts.  Before HOSTILE_NULLSS the hypervisor must kill us; if we are
 * still here afterwards, that is a bug.  From it on they are what
 * hardware lets a kernel do, and the host must simply survive them: each
 * ends with its own RESULT line.
 */
enum { HOSTILE_PRIV, HOSTILE_SWITCHER, HOSTILE_HCALL, HOSTILE_BADPTR,
       HOSTILE_NMI, HOSTILE_XSETBV, HOSTILE_WRPKRU,
       HOSTILE_UPPER, HOSTILE_TABLE_OOR, HOSTILE_TABLE_UPPER,
       HOSTILE_TABLE_LOOP, HOSTILE_CR3_OOR, HOSTILE_HLT, HOSTILE_PAGING,
       HOSTILE_NULLSS, HOSTILE_FPU, HOSTILE_MXCSR, HOSTILE_SHADOW,
       HOSTILE_ACTS };
#define HOSTILE_FIRST_NATIVE	HOSTILE_UPPER	/* from here: no hypercall */

static const char *const hostile_checks[HOSTILE_ACTS] = {
	[HOSTILE_PRIV]		= "hostile.priv",	/* mov from %cr3 */
	[HOSTILE_SWITCHER]	= "hostile.switcher",	/* read-only page */
	[HOSTILE_UPPER]		= "hostile.upper",	/* host memory */
	[HOSTILE_HCALL]		= "hostile.hcall",	/* no such call */
	[HOSTILE_BADPTR]	= "hostile.badptr",	/* text past RAM */
	[HOSTILE_TABLE_OOR]	= "hostile.table-oor",	/* maps past RAM */
	[HOSTILE_TABLE_UPPER]	= "hostile.table-upper", /* maps upper half */
	[HOSTILE_TABLE_LOOP]	= "hostile.table-loop",	/* points at itself */
	[HOSTILE_CR3_OOR]	= "hostile.cr3-oor",	/* tables past RAM */
	[HOSTILE_HLT]		= "hostile.hlt",	/* cli; hlt */
	[HOSTILE_PAGING]	= "hostile.paging",	/* clear CR0.PG */
	[HOSTILE_NMI]		= "hostile.nmi",	/* forge the NMI note */
	[HOSTILE_MXCSR]		= "hostile.mxcsr",	/* reserved bits */
	[HOSTILE_XSETBV]	= "hostile.xsetbv",	/* XCR0 from ring 1 */
	[HOSTILE_WRPKRU]	= "hostile.wrpkru",	/* without CR4.PKE */
	[HOSTILE_NULLSS]	= "hostile.nullss",	/* exits with null %ss */
	[HOSTILE_FPU]		= "hostile.fpu",	/* odd FPU state, PKRU */
	[HOSTILE_SHADOW]	= "hostile.shadow",	/* a flood of tables */
};

/*
 * hostile=nmi: the Switcher's rw page, two pages after the GDT that sgdt
 * shows us (without UMIP), starts with its note of an NMI that came
 * during a switch.  Forge it before many exits: the host must not see a
 * single NMI from it (book/04).  Not killed for it: the test looks at the
 * host's log.
 */
#define HOSTILE_NMI_EXITS	1000
#define SWITCHER_RW_AFTER_GDT	(2 * PAGE_SIZE)

static void forge_nmi_notes(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) gdtr;
	volatile u64 *note;
	unsigned int i;

	if (cpu_has_umip()) {
		result_pass("hostile.nmi", "skipped: with UMIP sgdt faults");
		result_finish();
	}
	asm volatile("sgdt %0" : "=m" (gdtr));
	note = (volatile u64 *)(gdtr.base + SWITCHER_RW_AFTER_GDT);
	for (i = 0; i < HOSTILE_NMI_EXITS; i++) {
		*note = 1;
		hcall(LIGEIRO_HCALL_NOP, 0, 0);
	}
	result_pass("hostile.nmi", "the note forged before %u exits",
		    HOSTILE_NMI_EXITS);
	result_finish();
}

/*
 * Page tables of our own for the table-* cases: the first GiB identity-
 * mapped with 2 MiB pages (so this code keeps running once they are
 * loaded; beyond guest memory they point nowhere, which table-oor then
 * touches), plus one hostile entry.  Returns the PML4 to load.
 */
static u64 hostile_pml4[512] __attribute__((aligned(PAGE_SIZE)));
static u64 hostile_pdpt[512] __attribute__((aligned(PAGE_SIZE)));
static u64 hostile_pd[512] __attribute__((aligned(PAGE_SIZE)));

#define HOSTILE_VA	0x0000008000000000UL	/* PML4 slot 1 */

static u64 hostile_tables(unsigned int what)
{
	unsigned int i;

	for (i = 0; i < 512; i++)
		hostile_pd[i] = ((u64)i << 21) | PTE_P | PTE_W | PTE_PS;
	hostile_pdpt[0] = (u64)hostile_pd | PTE_P | PTE_W;
	hostile_pml4[0] = (u64)hostile_pdpt | PTE_P | PTE_W;
	if (what == HOSTILE_TABLE_UPPER)
		hostile_pml4[256] = (u64)hostile_pdpt | PTE_P | PTE_W;
	if (what == HOSTILE_TABLE_LOOP)
		hostile_pml4[1] = (u64)hostile_pml4 | PTE_P | PTE_W;
	return (u64)hostile_pml4;
}

/*
 * An exit the way each mode has one: a hypercall, or in trap mode an
 * instruction that traps (and that the native kernel uses anyway).
 */
static void one_exit(void)
{
	if (guest_mode == GUEST_TRAP)
		asm volatile("cli; sti");
	else
		hcall(LIGEIRO_HCALL_NOP, 0, 0);
}

/*
 * hostile=nullss: in 64-bit mode ring 1 may load the null selector into
 * %ss, and hardware then delivers every interrupt as usual.  QEMU's TCG
 * takes that for ring 0 and does not switch stacks; the Switcher must
 * still leave on its own (book/04, "A known stack").  A hypercall right
 * after the load: in trap mode the exit would wait for a trap, and in
 * between TCG would let us do anything ring 0 does.
 */
#define HOSTILE_NULLSS_EXITS	1000
#define NULL_SS_RPL1		1

static void null_ss(void)
{
	unsigned int i;

	if (guest_mode == GUEST_TRAP) {
		printf("hostile=nullss makes hypercalls: not in trap mode\n");
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	for (i = 0; i < HOSTILE_NULLSS_EXITS; i++)
		asm volatile("mov %0, %%ss; int %1"
			     : : "r" ((u16)NULL_SS_RPL1),
			       "i" (LIGEIRO_HCALL_VECTOR), "a" (LIGEIRO_HCALL_NOP)
			     : "memory");
	result_pass("hostile.nullss", "%u exits with a null %%ss",
		    HOSTILE_NULLSS_EXITS);
	result_finish();
}

/*
 * hostile=fpu: leave odd but valid FPU control state, and if the CPU has
 * protection keys a PKRU that denies every key (xrstor loads it at any
 * ring), over many exits.  It is ours to keep and not the launcher's:
 * the launcher checks its own after every run, and we check ours here.
 */
#define HOSTILE_FPU_EXITS	100
#define ODD_MXCSR	0x7f80	/* all masked, round toward zero */
#define ODD_FCW		0x0c7f	/* all masked, single precision, chop */
#define PKRU_DENY_ALL	0x55555555	/* access-disable for all 16 keys */
#define XFEATURE_PKRU	9
#define XSAVE_HEADER	512	/* XSTATE_BV, in the standard format */
#define CPUID_FEATURES	1
#define CPUID_OSXSAVE	(1U << 27)
#define CPUID_XSTATE	0xd

static u8 xsave_area[2 * PAGE_SIZE] __attribute__((aligned(64)));

static void cpuid2(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
		     : "a" (leaf), "c" (sub));
}

/* Where PKRU sits in the standard xsave area, or 0 if XCR0 lacks it. */
static u32 pkru_offset(void)
{
	u32 a, b, c, d, lo, hi;

	cpuid2(CPUID_FEATURES, 0, &a, &b, &c, &d);
	if (!(c & CPUID_OSXSAVE))
		return 0;
	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	if (!(lo & (1U << XFEATURE_PKRU)))
		return 0;
	cpuid2(CPUID_XSTATE, XFEATURE_PKRU, &a, &b, &c, &d);
	return b + sizeof(u32) <= sizeof(xsave_area) ? b : 0;
}

static void pkru_xfer(u32 offset, u32 *value, bool load)
{
	u32 mask = 1U << XFEATURE_PKRU;

	memset(xsave_area, 0, sizeof(xsave_area));
	if (load) {
		*(u64 *)(xsave_area + XSAVE_HEADER) = mask;
		*(u32 *)(xsave_area + offset) = *value;
		asm volatile("xrstor64 %0" : : "m" (xsave_area), "a" (mask),
			     "d" (0) : "memory");
		return;
	}
	asm volatile("xsave64 %0" : "=m" (xsave_area) : "a" (mask), "d" (0));
	/* a component in its initial state (0) is not written */
	*value = *(u64 *)(xsave_area + XSAVE_HEADER) & mask ?
		 *(u32 *)(xsave_area + offset) : 0;
}

static void odd_fpu_state(void)
{
	u32 offset = pkru_offset(), pkru = PKRU_DENY_ALL, mxcsr = ODD_MXCSR;
	u16 fcw = ODD_FCW;
	unsigned int i;

	asm volatile("ldmxcsr %0" : : "m" (mxcsr));
	asm volatile("fldcw %0" : : "m" (fcw));
	if (offset)
		pkru_xfer(offset, &pkru, true);
	for (i = 0; i < HOSTILE_FPU_EXITS; i++)
		one_exit();
	asm volatile("stmxcsr %0" : "=m" (mxcsr));
	asm volatile("fnstcw %0" : "=m" (fcw));
	pkru = 0;
	if (offset)
		pkru_xfer(offset, &pkru, false);
	if (mxcsr != ODD_MXCSR || fcw != ODD_FCW ||
	    pkru != (offset ? PKRU_DENY_ALL : 0))
		result_fail("hostile.fpu", "after %u exits mxcsr=%#x fcw=%#x pkru=%#x",
			    HOSTILE_FPU_EXITS, mxcsr, fcw, pkru);
	else
		result_pass("hostile.fpu", "mxcsr=%#x fcw=%#x pkru=%s kept over %u exits",
			    mxcsr, fcw, offset ? "0x55555555" : "absent",
			    HOSTILE_FPU_EXITS);
	result_finish();
}

/* hostile=xsetbv, wrpkru: each faults on hardware, as here. */
static void bad_fpu_instruction(unsigned int what)
{
	if (what == HOSTILE_XSETBV)
		asm volatile("xsetbv" : : "a" (1), "d" (0), "c" (0));
	else
		asm volatile("wrpkru" : : "a" (0), "d" (0), "c" (0));
}

/*
 * hostile=mxcsr: reserved MXCSR bits.  Hardware faults; QEMU's TCG takes
 * them, and then the host saves and restores our state with them in it,
 * over many exits.  Either way the host must not notice.
 */
#define MXCSR_RESERVED	(1U << 31)

static void reserved_mxcsr(void)
{
	u32 mxcsr = MXCSR_RESERVED | ODD_MXCSR;
	unsigned int i;

	asm volatile("ldmxcsr %0" : : "m" (mxcsr));
	for (i = 0; i < HOSTILE_FPU_EXITS; i++)
		one_exit();
	asm volatile("stmxcsr %0" : "=m" (mxcsr));
	result_pass("hostile.mxcsr", "no fault: the CPU took it; mxcsr=%#x after %u exits",
		    mxcsr, HOSTILE_FPU_EXITS);
	result_finish();
}

/*
 * hostile=shadow: three pages of tables of our own that name tens of
 * thousands of shadow tables: every entry of one directory pointer table
 * points at the same directory, each of whose entries points at the same
 * table, which maps one page.  Each address 2 MiB apart needs a shadow
 * table of its own.  The hypervisor must bound what it holds for us
 * (hv/vm.h) and still show us the right page every time.
 */
#define HOSTILE_SHADOW_ADDRS	27000
#define HOSTILE_SHADOW_MAGIC	0x5ad0cafeUL
#define SPAN_2M			(1UL << 21)

static u64 alias_pdpt[512] __attribute__((aligned(PAGE_SIZE)));
static u64 alias_pd[512] __attribute__((aligned(PAGE_SIZE)));
static u64 alias_pt[512] __attribute__((aligned(PAGE_SIZE)));
static volatile u64 alias_page[512] __attribute__((aligned(PAGE_SIZE)));

static void flood_shadow(void)
{
	unsigned int i, pass, bad = 0;

	for (i = 0; i < 512; i++) {
		alias_pdpt[i] = (u64)alias_pd | PTE_P | PTE_W;
		alias_pd[i] = (u64)alias_pt | PTE_P | PTE_W;
		alias_pt[i] = (u64)alias_page | PTE_P | PTE_W;
	}
	alias_page[0] = HOSTILE_SHADOW_MAGIC;
	hostile_tables(HOSTILE_SHADOW);
	hostile_pml4[1] = (u64)alias_pdpt | PTE_P | PTE_W;
	pv_ops.load_cr3((u64)hostile_pml4);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < HOSTILE_SHADOW_ADDRS; i++)
			bad += *(volatile u64 *)(HOSTILE_VA + i * SPAN_2M) !=
			       HOSTILE_SHADOW_MAGIC;
	if (bad)
		result_fail("hostile.shadow", "%u of %u reads saw the wrong page",
			    bad, 2 * HOSTILE_SHADOW_ADDRS);
	else
		result_pass("hostile.shadow", "%u addresses 2 MiB apart, read twice",
			    HOSTILE_SHADOW_ADDRS);
	result_finish();
}

/* Returns only if what is not one of hostile_checks[]. */
void hostile(const char *what, u64 mem_size)
{
	unsigned int i;

	for (i = 0; i < HOSTILE_ACTS; i++)
		if (streq(what, hostile_checks[i] + sizeof("hostile.") - 1))
			break;
	if (i == HOSTILE_ACTS)
		return;
	if (guest_mode == GUEST_TRAP && i < HOSTILE_FIRST_NATIVE) {
		printf("hostile=%s makes hypercalls: not in trap mode\n", what);
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	printf("hostile: %s\n", what);
	switch (i) {
	case HOSTILE_PRIV:
		asm volatile("mov %%cr3, %%rax" : : : "rax");
		break;
	case HOSTILE_SWITCHER:
		*(volatile u64 *)pv_shared->switcher_addr = 0;
		break;
	case HOSTILE_UPPER:
		asm volatile("jmp *%0" : : "r" (UPPER_HALF));
		break;
	case HOSTILE_HCALL:
		hcall(HCALL_UNKNOWN, 0, 0);
		break;
	case HOSTILE_BADPTR:
		hcall(LIGEIRO_HCALL_CONSOLE, mem_size, 1);
		break;
	case HOSTILE_TABLE_OOR:
	case HOSTILE_TABLE_LOOP:
		pv_ops.load_cr3(hostile_tables(i));
		*(volatile u64 *)(i == HOSTILE_TABLE_OOR ?
				  (1UL << 30) - PAGE_SIZE : HOSTILE_VA) = 0;
		break;
	case HOSTILE_TABLE_UPPER:
		pv_ops.load_cr3(hostile_tables(i));
		break;
	case HOSTILE_CR3_OOR:
		pv_ops.load_cr3(mem_size);
		break;
	case HOSTILE_HLT:
		asm volatile("cli; hlt");
		break;
	case HOSTILE_PAGING:
		asm volatile("mov %%cr0, %%rax; btr $31, %%rax; mov %%rax, %%cr0"
			     : : : "rax");
		break;
	case HOSTILE_NMI:
		forge_nmi_notes();
		break;
	case HOSTILE_XSETBV:
	case HOSTILE_WRPKRU:
		bad_fpu_instruction(i);
		break;
	case HOSTILE_MXCSR:
		reserved_mxcsr();
		break;
	case HOSTILE_NULLSS:
		null_ss();
		break;
	case HOSTILE_FPU:
		odd_fpu_state();
		break;
	case HOSTILE_SHADOW:
		flood_shadow();
	}
	result_fail(hostile_checks[i], "survived");
	result_finish();
}