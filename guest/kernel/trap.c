/*
 * trap.c - the IDT, and what to do with each exception and interrupt.
 *
 * trap_init() fills a full 256-gate IDT from the stubs of trapentry.S:
 * interrupt gates for the exceptions and IRQs, so each handler starts
 * with interrupts off, and for `int $0x80` a trap gate that ring 3 may
 * use.  The gates name the kernel's code segment, read from %cs: ring 0
 * natively, ring 1 under ligeiro, which reads the same table (handed
 * over with HCALL_LOAD_IDT) to deliver interrupts and exceptions.
 *
 * trap() sorts what arrives:
 *
 *   - a system call goes to syscall.c, a timer tick to time.c and the
 *     scheduler, any other IRQ to the device drivers' handlers (irq.c);
 *   - an exception the code asked for with trap_expect(): the self-tests
 *     provoke an invalid opcode and a page fault on purpose.  trap()
 *     records what it saw and resumes at the "fixup" address the test
 *     gave, so the test can check the record afterwards;
 *   - a page fault a process may take (demand-zero memory), or one that
 *     is its own fault, or any exception in ring 3: the process gets its
 *     page, or dies, and the kernel carries on;
 *   - anything else is a kernel bug: print everything we know and stop.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read irq.h next.
 */
#include "boot/layout.h"
#include "kernel/irq.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/usys.h"
#include "lib/abi.h"
#include "lib/printf.h"
#include "pvops/pvops.h"

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;			/* 0: stay on the current stack */
	u8 type;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __attribute__((packed));

/* One page: the hypervisor reads all 256 gates. */
static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

/* Filled by the stub macro in trapentry.S; the system call's is last. */
extern const u64 trap_stubs[TRAP_STUBS];

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

static void set_gate(unsigned int v, u64 handler, u16 cs, u8 type)
{
	idt[v].offset_low = handler & 0xffff;
	idt[v].selector = cs;
	idt[v].type = type;
	idt[v].offset_mid = (handler >> 16) & 0xffff;
	idt[v].offset_high = handler >> 32;
}

/** trap_init() - fill the IDT with the trapentry.S stubs and load it. */
void trap_init(void)
{
	unsigned int v;
	u16 cs;

	asm("mov %%cs, %0" : "=r" (cs));
	for (v = 0; v < T_EXCEPTIONS + PIC_IRQS; v++)
		set_gate(v, trap_stubs[v], cs, IDT_INTERRUPT_GATE);
	set_gate(T_SYSCALL, trap_stubs[TRAP_STUBS - 1], cs,
		 IDT_USER_TRAP_GATE);
	pv_ops.load_idt(idt, sizeof(idt) - 1);
}

/** trap_idt() - the IDT trap_init() loads. Return: its address. */
const void *trap_idt(void)
{
	return idt;
}

/**
 * trap_expect() - announce that the next exception is deliberate.
 * @vector: the exception to expect; any other is still fatal.
 * @fixup_rip: where to resume after it, or 0 for where the CPU would.
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

static const char *exception_name(u64 vector)
{
	const char *name = vector < T_EXCEPTIONS ? exception_names[vector] :
			   NULL;

	return name ? name : "reserved";
}

/* The exception that last killed a process: SYS_INFO tells its parent. */
static struct trap_record last_kill;

/** trap_last_kill() - what killed the last process to die of a fault. */
const struct trap_record *trap_last_kill(void)
{
	return &last_kill;
}

/*
 * A fault that is a process's business: demand-zero memory, or a death.
 * A system call touching a bad user pointer faults in the kernel, but
 * for the process.  Return false if the kernel itself is at fault.
 */
static bool process_fault(struct trap_frame *tf)
{
	bool pf = tf->vector == T_PF;
	u64 addr = pf ? pv_ops.read_cr2() : 0;

	if (!current)
		return false;
	if (pf && proc_page_fault(addr, tf->error))
		return true;
	if (!trap_from_user(tf) && !(pf && addr >= USER_BASE && addr < USER_END))
		return false;
	last_kill = (struct trap_record){
		.vector = tf->vector, .error = tf->error, .rip = tf->rip,
		.cr2 = addr,
	};
	if (pf)
		printf("process %d killed: page fault at %#lx (rip %#lx)\n",
		       current->pid, addr, tf->rip);
	else
		printf("process %d killed: exception %lu (%s) at rip %#lx\n",
		       current->pid, tf->vector, exception_name(tf->vector),
		       tf->rip);
	proc_exit(STATUS_KILLED | tf->vector);
}

static void trap_dump(struct trap_frame *tf)
{
	printf("ligeiro guest: FATAL: unexpected exception %lu (%s)\n",
	       tf->vector, exception_name(tf->vector));
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

/**
 * trap() - handle one exception, interrupt or system call; called by
 * trapentry.S.
 * @tf: the registers at the time; changing tf->rip changes where the
 *	interrupted code resumes.
 */
void trap(struct trap_frame *tf)
{
	if (tf->vector == T_SYSCALL) {
		pv_ops.irq_disable();	/* the trap gate left them on */
		syscall(tf);
	} else if (tf->vector == TIMER_VECTOR) {
		time_tick();
		proc_tick();
	} else if (tf->vector > TIMER_VECTOR) {
		irq_dispatch(tf->vector - TIMER_VECTOR);
	} else if (!trap_was_expected(tf) && !process_fault(tf)) {
		trap_die(tf);
	}
}

/**
 * trap_leave() - the last word before iretq; called by trapentry.S.
 * @tf: the frame about to be popped.
 *
 * On the way back to ring 3 a tick may have asked for a switch.  Then
 * the interrupt flag is set from the frame: natively iretq would do it
 * anyway, under ligeiro only we can.
 */
void trap_leave(struct trap_frame *tf)
{
	if (trap_from_user(tf))
		proc_preempt();
	pv_ops.irq_restore(tf->rflags);
}
