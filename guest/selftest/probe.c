/*
 * probe.c - what the kernel can see of the ring it really runs in.
 *
 * Trap-and-emulate works if every instruction that reads or changes the
 * machine's privileged state traps outside ring 0 (Popek and Goldberg).
 * x86 has a handful that do not: at ring 1 they run, and quietly show the
 * truth or ignore the kernel's wish.  The `probe` program runs each of
 * them in the kernel and prints what it saw, one line per observation:
 *
 *	PROBE <name> <value>
 *
 *   cs_rpl              the RPL of %cs: the ring we are in (0 natively)
 *   pushf_if_after_cli  IF as pushf shows it after irq_disable()
 *   popf_if             IF after a popf that clears it, interrupts on
 *   umip                1 if the CPU has UMIP, which makes the four below
 *                       fault outside ring 0, so they can be emulated
 *   sgdt, sidt          whose table the stored base is: guest, host (the
 *                       upper half: the hypervisor's), fault or other
 *   smsw                %cr0 as smsw stores it, in hex, or fault
 *   str                 the task register's selector, in hex, or fault
 *
 * The same binary prints them natively, in pv mode and in trap mode, so
 * the three worlds can be set side by side.  The values are facts, not
 * verdicts: the tests decide what each world should show, and probe
 * itself reports one RESULT line and shuts down OK.  In pv mode a #GP at
 * ring 1 gets the guest killed, so with UMIP the four stores are
 * `skipped` there.
 *
 * probe runs in the kernel, after os_start() has loaded the IDT: a #GP
 * is caught with trap_expect() and the kernel carries on.
 *
 * Book: book/08-trap-and-emulate.md.  Read emucheck.c next.
 */
#include "kernel/os.h"
#include "kernel/trap.h"
#include "lib/abi.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "lib/x86.h"
#include "pvops/pvops.h"

#define PROBE_TAG	"PROBE"
/* Where 4-level paging's upper half starts: a host kernel's addresses. */
#define UPPER_HALF	(1UL << 47)

static unsigned int observations;

/* One PROBE line: a name and a single word of value, for tests to match. */
static void __attribute__((format(printf, 2, 3)))
observe(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s ", PROBE_TAG, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	observations++;
}

/*
 * Enable interrupts, then popf with IF clear.  At ring 0 that disables
 * them; at ring 1 (IOPL 0) the CPU silently keeps IF as it was, no trap:
 * the kernel believes interrupts are off and they are not.  Returns IF
 * as pushf then shows it.
 */
static u64 popf_if(void)
{
	u64 flags;

	pv_ops.irq_enable();
	asm volatile("pushfq\n\t"
		     "andq %1, (%%rsp)\n\t"
		     "popfq\n\t"
		     "pushfq\n\t"
		     "popq %0"
		     : "=r" (flags) : "i" (~RFLAGS_IF) : "cc", "memory");
	/* Natively the popf did clear IF; under ligeiro this really does. */
	pv_ops.irq_disable();
	return flags & RFLAGS_IF;
}

static void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
		     : "a" (leaf), "c" (0));
}

/* CPUID is allowed at every ring; this is the CPU model's answer. */
bool cpu_has_umip(void)
{
	u32 a, b, c, d;

	cpuid(CPUID_BASIC_MAX, &a, &b, &c, &d);
	if (a < CPUID_FEATURES7)
		return false;
	cpuid(CPUID_FEATURES7, &a, &b, &c, &d);
	return c & CPUID_7_ECX_UMIP;
}

/* What sgdt and sidt store: a 16-bit limit, then the 64-bit base. */
struct table_reg {
	u16 limit;
	u64 base;
} __attribute__((packed));

enum store_insn { SGDT, SIDT, SMSW, STR };

/*
 * Run one of the stores, once, ready for a #GP: each is followed by a
 * global label where trap() resumes if it faults.  A global label may
 * exist only once, hence noinline and noclone.  Returns false if the
 * instruction faulted.  smsw to a 64-bit register stores all of %cr0
 * (to memory only its low 16 bits, the 286's machine status word).
 */
static bool __attribute__((noinline, noclone))
try_store(enum store_insn insn, struct table_reg *table, u64 *value)
{
	extern const char sgdt_done[], sidt_done[], smsw_done[], str_done[];
	const char *const done[] = {
		[SGDT] = sgdt_done, [SIDT] = sidt_done,
		[SMSW] = smsw_done, [STR] = str_done,
	};
	struct trap_record rec;
	u64 v = 0;

	trap_expect(T_GP, (u64)done[insn]);
	switch (insn) {
	case SGDT:
		asm volatile("sgdt %0\n.globl sgdt_done\nsgdt_done:"
			     : "=m" (*table) : : "memory");
		break;
	case SIDT:
		asm volatile("sidt %0\n.globl sidt_done\nsidt_done:"
			     : "=m" (*table) : : "memory");
		break;
	case SMSW:
		asm volatile("smsw %0\n.globl smsw_done\nsmsw_done:"
			     : "+r" (v) : : "memory");
		break;
	case STR:
		asm volatile("str %w0\n.globl str_done\nstr_done:"
			     : "+r" (v) : : "memory");
		break;
	}
	*value = v;
	return !trap_caught(&rec);
}

/* sgdt or sidt: whose table the base is, and the details on a line apart. */
static void observe_table(const char *name, enum store_insn insn,
			  const void *ours)
{
	struct table_reg table = { 0 };
	u64 unused;

	if (!try_store(insn, &table, &unused)) {
		observe(name, "fault");
		return;
	}
	printf("probe: %s base=%#lx limit=%#x\n", name, table.base,
	       table.limit);
	if (table.base == (u64)ours)
		observe(name, "guest");
	else if (table.base >= UPPER_HALF)
		observe(name, "host");
	else
		observe(name, "other");
}

static void observe_value(const char *name, enum store_insn insn)
{
	struct table_reg unused;
	u64 value;

	if (try_store(insn, &unused, &value))
		observe(name, "0x%lx", value);
	else
		observe(name, "fault");
}

/**
 * probe_run() - the probe program: every observation, then shut down.
 *
 * Called by os_start() with the IDT loaded and interrupts disabled.
 */
void probe_run(void)
{
	bool umip = cpu_has_umip();
	u16 cs;

	asm volatile("mov %%cs, %0" : "=r" (cs));
	observe("cs_rpl", "%u", cs & 3);
	pv_ops.irq_disable();
	observe("pushf_if_after_cli", "%u", !!(read_rflags() & RFLAGS_IF));
	observe("popf_if", "%u", !!popf_if());
	observe("umip", "%u", umip);

	/*
	 * In pv mode the hypervisor kills a guest for any #GP at ring 1
	 * (it makes hypercalls, so it has no privileged instruction to
	 * run), and under UMIP these four raise one.  Without UMIP they
	 * run, and show the host's tables: that is the lesson.
	 */
	if (guest_mode == GUEST_PV && umip) {
		observe("sgdt", "skipped");
		observe("sidt", "skipped");
		observe("smsw", "skipped");
		observe("str", "skipped");
	} else {
		observe_table("sgdt", SGDT, native_gdt());
		observe_table("sidt", SIDT, trap_idt());
		observe_value("smsw", SMSW);
		observe_value("str", STR);
	}
	result_pass("probe", "observations=%u", observations);
	result_finish();
}
