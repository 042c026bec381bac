// SPDX-License-Identifier: GPL-2.0
/*
 * interrupts.c - interrupts and exceptions, delivered to the guest.
 *
 * The real interrupt flag is always on while the guest runs (ring 1 cannot
 * clear it); the guest's own flag is a word in the shared page.  Its timer
 * is an hrtimer of ours that marks vector LIGEIRO_IRQ_VECTOR pending;
 * before each entry, if the guest's flag is on and something is pending,
 * we deliver it.  Its exceptions (a page fault that shadow.c says is the
 * guest's own, a #GP, a breakpoint...) are delivered the same way.
 *
 * Delivering means doing what the CPU does for a ring-1 kernel: read the
 * handler from the guest's IDT, push ss, rsp, rflags, cs, rip (and the
 * error code) on the guest's stack -- its kernel stack if it was at ring
 * 3 -- and continue at the handler at ring 1.  The guest's entry code
 * cannot tell the frame from the CPU's; that is what lets one trapentry.S
 * serve a native boot and a paravirtual one.  The pushed RFLAGS.IF is the
 * virtual flag, so the guest's iret path knows what to restore.
 *
 * One gate is special: if the guest's `int $0x80` gate is reachable from
 * ring 3, switcher.c copies it into the real IDT, and system calls go from
 * ring 3 to ring 1 with no exit at all.
 *
 * Trap mode differs in three ways: the flag is ours (cli and sti trap),
 * the interrupts come through a virtual 8259 PIC (pc.c), and the stack
 * for a trap from ring 3 is read from the guest's own TSS -- so system
 * calls must come through us too (irq_soft()).
 *
 * Book: book/06-interrupts.md, "Virtual interrupts".  run.c calls into
 * here.  Read guest/selftest/pvcheck.h next.
 */
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <asm/traps.h>
#include <asm/tsc.h>

#include "vm.h"

#define GATE_TYPE_INTERRUPT	0xe
#define NR_PENDING		BITS_PER_LONG
#define GP_ERROR_IDT		2	/* a #GP's error code names a gate */
#define INT_INSN_LEN		2	/* int $n: 0xcd, n */

/**
 * irq_line() - interrupt line @line of the guest goes up: the timer's
 * (line 0), or a launcher device's (LIGEIRO_IRQ).  From any context.
 */
void irq_line(struct ligeiro_vm *vm, unsigned int line)
{
	struct task_struct *vcpu;

	set_bit(line, &vm->pending);
	wake_up(&vm->wq);
	/*
	 * If the vCPU is in the guest on another CPU, an IPI makes it exit
	 * now; on this CPU, this very interrupt already did.  A task struct
	 * is freed only after an RCU grace period, so it stays valid here.
	 */
	rcu_read_lock();
	vcpu = READ_ONCE(vm->task);
	if (vcpu)
		kick_process(vcpu);
	rcu_read_unlock();
}

static enum hrtimer_restart timer_fired(struct hrtimer *t)
{
	irq_line(container_of(t, struct ligeiro_vm, timer), 0);
	return HRTIMER_NORESTART;
}

/** irq_init() - a VM's timer and wait queue. */
void irq_init(struct ligeiro_vm *vm)
{
	init_waitqueue_head(&vm->wq);
	hrtimer_init(&vm->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vm->timer.function = timer_fired;
}

/** irq_set_timer() - HCALL_SET_TIMER: interrupt the guest in @ns (0: never). */
void irq_set_timer(struct ligeiro_vm *vm, u64 ns)
{
	/* LAB(irq): begin */
	if (!ns)
		hrtimer_cancel(&vm->timer);
	else
		hrtimer_start(&vm->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
	/* LAB(irq): end */
}

/** irq_enabled() - the guest's virtual interrupt flag. */
bool irq_enabled(struct ligeiro_vm *vm)
{
	struct ligeiro_shared *sh = vm_shared(vm);

	if (vm->mode == LIGEIRO_MODE_TRAP)
		return vm->cpu.irq_enabled;
	return sh && READ_ONCE(sh->irq_enabled);
}

/** irq_set_enabled() - set it: a gate's entry, or trap mode's cli and sti. */
void irq_set_enabled(struct ligeiro_vm *vm, bool on)
{
	struct ligeiro_shared *sh = vm_shared(vm);

	if (vm->mode == LIGEIRO_MODE_TRAP)
		vm->cpu.irq_enabled = on;
	else if (sh)
		WRITE_ONCE(sh->irq_enabled, on);
}

/* Is an interrupt waiting that the guest could take (its flag aside)? */
static bool irq_waiting(struct ligeiro_vm *vm)
{
	if (vm->mode == LIGEIRO_MODE_TRAP)
		return pic_ack(vm, false) >= 0;
	return READ_ONCE(vm->pending);
}

/**
 * irq_halt() - HCALL_HALT, or trap mode's hlt: sleep until an interrupt
 * is waiting or a signal is pending.
 *
 * Return: true if an interrupt is waiting, false if a signal woke us.
 */
bool irq_halt(struct ligeiro_vm *vm)
{
	/* LAB(irq): begin */
	return !wait_event_interruptible(vm->wq, irq_waiting(vm));
	/* LAB(irq): end */
}

/* An IDT at @gpa would lie in one page of guest memory, aligned. */
bool irq_idt_fits(struct ligeiro_vm *vm, u64 gpa)
{
	return !(gpa & 7) &&
	       vm_range_ok(vm, gpa, IDT_ENTRIES * sizeof(gate_desc)) &&
	       offset_in_page(gpa) + IDT_ENTRIES * sizeof(gate_desc) <= PAGE_SIZE;
}

/** irq_load_idt() - HCALL_LOAD_IDT: the guest's IDT is at @gpa. */
int irq_load_idt(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gpa)
{
	gate_desc *idt, *g;

	if (!irq_idt_fits(vm, gpa))
		return vm_kill(vm, exit, "load_idt: 0x%llx is not a page-contained IDT in guest memory",
			       gpa);
	vm->idt_gpa = gpa;
	/*
	 * A ring-3 gate for system calls becomes a direct one (switcher.c).
	 * Not in trap mode: the guest changes its TSS's stack pointer with a
	 * plain store we never see, so we read it at each delivery instead.
	 */
	idt = vm_page_ptr(vm, gpa);
	g = &idt[LIGEIRO_SYSCALL_VECTOR];
	memset(&vm->syscall_gate, 0, sizeof(vm->syscall_gate));
	if (vm->mode == LIGEIRO_MODE_PV && g->bits.p && g->bits.dpl == 3 && gate_offset(g) < LOWER_HALF_END) {
		vm->syscall_gate = *g;
		/* A trap gate: IF stays on, or ring 1 could never turn it on. */
		vm->syscall_gate.bits.type = GATE_TRAP;
		vm->syscall_gate.segment = LIGEIRO_GUEST_KERNEL_CS;
		vm->syscall_gate.bits.ist = 0;
	}
	return 0;
}

/*
 * The stack for a trap from ring 3: SET_STACK's, or in trap mode RSP0 of
 * the TSS the guest loaded with ltr, read now as the CPU would.
 */
static int kernel_stack(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
			u64 *sp)
{
	int err;

	if (vm->mode == LIGEIRO_MODE_PV) {
		*sp = vm->kstack;
		return 0;
	}
	if (!vm->cpu.tr)
		return vm_kill(vm, exit, "a trap from ring 3, but the guest never loaded a TSS (ltr)");
	err = guest_copy(vm, exit, vm->cpu.tss_base + offsetof(struct x86_hw_tss, sp0),
			 sp, sizeof(*sp), GUEST_READ);
	if (err < 0)
		return vm_kill(vm, exit, "the guest's TSS at 0x%llx is not mapped",
			       vm->cpu.tss_base);
	return err;
}

/*
 * Deliver @vector to the guest as the CPU would to a ring-1 kernel.
 * Return: 0, or 1 with @exit filled in when the guest cannot take it.
 */
static int deliver(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		   u64 vector, bool external)
{
	/* LAB(irq): begin */
	struct switcher_regs *r = vm->regs;
	gate_desc *g = (gate_desc *)vm_page_ptr(vm, vm->idt_gpa) + vector;
	u64 frame[6], sp = r->rsp, handler = gate_offset(g), flags;
	int n = 0, err;

	if (!vm->idt_gpa)
		return vm_kill(vm, exit, "vector %llu, before the guest loaded an IDT",
			       vector);
	if (!g->bits.p || handler >= LOWER_HALF_END)
		return vm_kill(vm, exit, "no usable handler for vector %llu in the guest's IDT",
			       vector);
	if ((r->cs & 3) == 3 && kernel_stack(vm, exit, &sp))
		return 1;
	flags = r->rflags & ~X86_EFLAGS_IF;
	if (irq_enabled(vm))
		flags |= X86_EFLAGS_IF;
	/* Built upside down: frame[0] ends at the lowest address. */
	if (!external && SWITCHER_HAS_ERROR_CODE(vector))	/* an IRQ has none */
		frame[n++] = r->error;
	frame[n++] = r->rip;
	frame[n++] = r->cs;
	frame[n++] = flags;
	frame[n++] = r->rsp;
	frame[n++] = r->ss;
	/* one copy, so the guest's tables are walked once per page */
	sp = (sp & ~15ULL) - n * 8;
	err = guest_copy(vm, exit, sp, frame, n * 8, GUEST_WRITE);
	if (err > 0)
		return 1;
	if (err)
		return vm_kill(vm, exit, "cannot deliver vector %llu: the guest's stack at 0x%llx is not writable",
			       vector, vm->cr2);
	r->rsp = sp;
	r->rip = handler;
	r->cs = LIGEIRO_GUEST_KERNEL_CS;
	r->ss = LIGEIRO_GUEST_KERNEL_DS;
	r->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF);
	if (g->bits.type == GATE_TYPE_INTERRUPT)
		irq_set_enabled(vm, false);
	return 0;
	/* LAB(irq): end */
}

/**
 * irq_reflect() - give the guest the exception it just took.
 *
 * Return: 0, or 1 with @exit filled in when the guest was killed.
 */
int irq_reflect(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct ligeiro_shared *sh = vm_shared(vm);

	if (vm->regs->vector == X86_TRAP_PF) {
		vm->cpu.cr2 = vm->cr2;	/* trap mode's mov from %cr2 */
		if (sh)
			WRITE_ONCE(sh->cr2, vm->cr2);
	}
	vm->stats.reflected++;
	return deliver(vm, exit, vm->regs->vector, false);
}

/** irq_raise() - give the guest exception @vector, as if it had taken it. */
int irq_raise(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 vector,
	      u64 error)
{
	vm->regs->vector = vector;
	vm->regs->error = error;
	return irq_reflect(vm, exit);
}

/**
 * irq_soft() - trap mode: the guest executed `int $@vector`.
 *
 * Our gate let it through to us; the guest's own gate decides, as the
 * CPU would: from ring 3 its DPL must be 3, or the answer is a general-protection fault whose
 * error code names the gate.
 */
int irq_soft(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 vector)
{
	gate_desc *g = (gate_desc *)vm_page_ptr(vm, vm->idt_gpa) + vector;

	if (!vm->idt_gpa)
		return vm_kill(vm, exit, "int $0x%llx before the guest loaded an IDT",
			       vector);
	if ((vm->regs->cs & 3) == 3 && g->bits.dpl != 3) {
		vm->regs->rip -= INT_INSN_LEN;	/* a fault: at the int */
		return irq_raise(vm, exit, X86_TRAP_GP, vector << 3 | GP_ERROR_IDT);
	}
	return deliver(vm, exit, vector, false);
}

/**
 * irq_deliver() - before an entry: deliver a pending interrupt if the
 * guest's flag allows, and show it what is still pending.
 *
 * Return: 0, or 1 with @exit filled in when the guest was killed.
 */
int irq_deliver(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	/* LAB(irq): begin */
	struct ligeiro_shared *sh = vm_shared(vm);
	unsigned long bit;
	int vector = -1;

	if (!vm->idt_gpa)
		return 0;
	if (vm->cpu.sti_shadow) {	/* sti's one-instruction grace */
		vm->cpu.sti_shadow = false;
	} else if (!irq_enabled(vm)) {
		;
	} else if (vm->mode == LIGEIRO_MODE_TRAP) {
		vector = pic_ack(vm, true);
	} else {
		bit = find_first_bit(&vm->pending, NR_PENDING);
		if (bit < NR_PENDING) {
			clear_bit(bit, &vm->pending);
			vector = LIGEIRO_IRQ_VECTOR + bit;
		}
	}
	if (vector >= 0) {
		vm->stats.injected++;
		if (deliver(vm, exit, vector, true))
			return 1;
	}
	if (sh)
		WRITE_ONCE(sh->irq_pending, READ_ONCE(vm->pending));
	return 0;
	/* LAB(irq): end */
}
