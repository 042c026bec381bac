/*
 * trap.c - the IDT, and what to do with each exception and interrupt.
 *
 * trap_init() points the first TRAP_VECTORS entries of the IDT at the
 * stubs of trapentry.S.  From then on every exception and IRQ ends up in
 * trap(), which sorts them three ways:
 *
 *   - an IRQ: the timer's is counted by pit.c; any other can only be a
 *     spurious one (all other lines are masked): acknowledged, ignored;
 *   - an exception the code asked for with trap_expect(): the self-tests
 *     provoke a breakpoint and a page fault on purpose.  trap() records
 *     what it saw and resumes at the "fixup" address the test gave, so the
 *     test can check the record afterwards;
 *   - anything else is a bug: print everything we know and stop.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read pic.c next.
 */
#include "abi.h"
#include "layout.h"
#include "pit.h"
#include "printf.h"
#include "pvops.h"
#include "trap.h"

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;			/* 0: stay on the current stack */
	u8 type;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __attribute__((packed));

static struct idt_gate idt[TRAP_VECTORS] __attribute__((aligned(16)));

/* Filled by the stub macro in trapentry.S. */
extern const u64 trap_stubs[TRAP_VECTORS];

/* The one exception the code currently expects, if any. */
static struct {
	bool armed;
	bool caught;
	u64 vector;
	u64 fixup_rip;		/* resume here; 0: where the CPU would */
	struct trap_record rec;
} expected;

static const char *const exception_names[T_EXCEPTIONS] = {
	[0] = "#DE divide error",	[1] = "#DB debug",
	[2] = "NMI",			[3] = "#BP breakpoint",
	[4] = "#OF overflow",		[5] = "#BR bound range",
	[6] = "#UD invalid opcode",	[7] = "#NM no FPU",
	[8] = "#DF double fault",	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present", [12] = "#SS stack fault",
	[13] = "#GP general protection", [14] = "#PF page fault",
	[16] = "#MF x87 error",		[17] = "#AC alignment check",
	[18] = "#MC machine check",	[19] = "#XM SIMD error",
	[20] = "#VE virtualization",	[21] = "#CP control protection",
};

/** trap_init() - fill the IDT with the trapentry.S stubs and load it. */
void trap_init(void)
{
	unsigned int v;

	for (v = 0; v < TRAP_VECTORS; v++) {
		idt[v].offset_low = trap_stubs[v] & 0xffff;
		idt[v].selector = KERNEL_CS;
		idt[v].type = IDT_INTERRUPT_GATE;
		idt[v].offset_mid = (trap_stubs[v] >> 16) & 0xffff;
		idt[v].offset_high = trap_stubs[v] >> 32;
	}
	pv_ops.load_idt(idt, sizeof(idt) - 1);
}

/**
 * trap_expect() - announce that the next exception is deliberate.
 * @vector: the exception to expect; any other is still fatal.
 * @fixup_rip: where to resume after it, or 0 for where the CPU would
 *	(after an int3, the next instruction).
 *
 * When the exception happens, trap() records it and resumes as asked.
 * The slot is used once; trap_caught() reads it back.
 */
void trap_expect(u64 vector, u64 fixup_rip)
{
	expected.vector = vector;
	expected.fixup_rip = fixup_rip;
	expected.caught = false;
	expected.armed = true;
}

/**
 * trap_caught() - disarm the trap_expect() slot and read it.
 * @rec: filled with what trap() saw, if anything.
 *
 * Return: true if the expected exception happened.
 */
bool trap_caught(struct trap_record *rec)
{
	expected.armed = false;
	*rec = expected.rec;
	return expected.caught;
}

static bool trap_was_expected(struct trap_frame *tf)
{
	if (!expected.armed || tf->vector != expected.vector)
		return false;
	expected.rec.vector = tf->vector;
	expected.rec.error = tf->error;
	expected.rec.rip = tf->rip;
	expected.rec.cr2 = tf->vector == T_PF ? pv_ops.read_cr2() : 0;
	expected.armed = false;
	expected.caught = true;
	if (expected.fixup_rip)
		tf->rip = expected.fixup_rip;
	return true;
}

static void trap_dump(struct trap_frame *tf)
{
	const char *name = exception_names[tf->vector];

	printf("ligeiro guest: FATAL: unexpected exception %lu (%s)\n",
	       tf->vector, name ? name : "reserved");
	printf("  error=%#lx rip=%#lx cr2=%#lx\n",
	       tf->error, tf->rip, pv_ops.read_cr2());
	printf("  cs=%#lx rflags=%#lx rsp=%#lx ss=%#lx\n",
	       tf->cs, tf->rflags, tf->rsp, tf->ss);
	printf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n",
	       tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printf("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n",
	       tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printf("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n",
	       tf->r9, tf->r10, tf->r11, tf->r12);
	printf("  r13=%016lx r14=%016lx r15=%016lx\n",
	       tf->r13, tf->r14, tf->r15);
}

/* A fault while reporting a fault must not loop: say so once, then stop. */
static void trap_die(struct trap_frame *tf)
{
	static unsigned int depth;

	switch (depth++) {
	case 0:
		trap_dump(tf);
		break;
	case 1:
		printf("ligeiro guest: FATAL: exception %lu while reporting "
		       "another\n", tf->vector);
		break;
	}
	pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
}

static void trap_irq(unsigned int irq)
{
	if (irq == PIT_IRQ)
		pit_tick();
	pic_eoi(irq);
}

/**
 * trap() - handle one exception or interrupt; called by trapentry.S.
 * @tf: the registers at the time; changing tf->rip changes where the
 *	interrupted code resumes.
 */
void trap(struct trap_frame *tf)
{
	if (tf->vector >= PIC_IRQ_BASE)
		trap_irq(tf->vector - PIC_IRQ_BASE);
	else if (!trap_was_expected(tf))
		trap_die(tf);
}
