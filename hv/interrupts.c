// SPDX-License-Identifier: GPL-2.0
/*
 * interrupts.c - interrupts and exceptions, delivered to the guest.
 *
 * The real interrupt flag is always on while the guest runs (ring 1 cannot
 * clear it); the guest's own flag is a word in the shared page.  Its timer
 * is an hrtimer of ours that marks vector LIGEIRO_TIMER_VECTOR pending;
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
 * Book: book/05-hypercalls-pvops.md.  run.c calls into here.
 */
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <asm/traps.h>
#include <asm/tsc.h>

#include "vm.h"

#define GATE_TYPE_INTERRUPT	0xe
#define NR_PENDING		BITS_PER_LONG

static enum hrtimer_restart timer_fired(struct hrtimer *t)
{
	struct ligeiro_vm *vm = container_of(t, struct ligeiro_vm, timer);
	struct task_struct *vcpu;

	set_bit(0, &vm->pending);	/* bit 0: LIGEIRO_TIMER_VECTOR */
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
	if (!ns)
		hrtimer_cancel(&vm->timer);
	else
		hrtimer_start(&vm->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

/** irq_halt() - HCALL_HALT: sleep until an interrupt is pending or a signal. */
void irq_halt(struct ligeiro_vm *vm)
{
	wait_event_interruptible(vm->wq, READ_ONCE(vm->pending));
}

/** irq_load_idt() - HCALL_LOAD_IDT: the guest's IDT is at @gpa. */
int irq_load_idt(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gpa)
{
	gate_desc *idt, *g;

	if (gpa & 7 || !vm_range_ok(vm, gpa, IDT_ENTRIES * sizeof(gate_desc)) ||
	    offset_in_page(gpa) + IDT_ENTRIES * sizeof(gate_desc) > PAGE_SIZE)
		return vm_kill(vm, exit, "load_idt: 0x%llx is not a page-contained IDT in guest memory",
			       gpa);
	vm->idt_gpa = gpa;
	/* A ring-3 gate for system calls becomes a direct one (switcher.c). */
	idt = vm_page_ptr(vm, gpa);
	g = &idt[LIGEIRO_SYSCALL_VECTOR];
	memset(&vm->syscall_gate, 0, sizeof(vm->syscall_gate));
	if (g->bits.p && g->bits.dpl == 3 && gate_offset(g) < LOWER_HALF_END) {
		vm->syscall_gate = *g;
		/* A trap gate: IF stays on, or ring 1 could never turn it on. */
		vm->syscall_gate.bits.type = GATE_TRAP;
		vm->syscall_gate.segment = LIGEIRO_GUEST_KERNEL_CS;
		vm->syscall_gate.bits.ist = 0;
	}
	return 0;
}

static bool has_error_code(u64 vector)
{
	return vector == X86_TRAP_DF || vector == X86_TRAP_TS ||
	       vector == X86_TRAP_NP || vector == X86_TRAP_SS ||
	       vector == X86_TRAP_GP || vector == X86_TRAP_PF ||
	       vector == X86_TRAP_AC;
}

/* LAB(deliver): begin */
/*
 * Deliver @vector to the guest as the CPU would to a ring-1 kernel.
 * Return: 0, or 1 with @exit filled in when the guest cannot take it.
 */
static int deliver(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		   u64 vector)
{
	struct ligeiro_shared *sh = vm_shared(vm);
	struct switcher_regs *r = &vm->regs;
	gate_desc *g = (gate_desc *)vm_page_ptr(vm, vm->idt_gpa) + vector;
	u64 frame[6], sp, handler = gate_offset(g), flags;
	int n = 0, i, err;

	if (!g->bits.p || handler >= LOWER_HALF_END)
		return vm_kill(vm, exit, "no usable handler for vector %llu in the guest's IDT",
			       vector);
	flags = r->rflags & ~X86_EFLAGS_IF;
	if (sh && READ_ONCE(sh->irq_enabled))
		flags |= X86_EFLAGS_IF;
	/* Built upside down: frame[0] ends at the lowest address. */
	if (has_error_code(vector))
		frame[n++] = r->error;
	frame[n++] = r->rip;
	frame[n++] = r->cs;
	frame[n++] = flags;
	frame[n++] = r->rsp;
	frame[n++] = r->ss;
	sp = ((r->cs & 3) == 3 ? vm->kstack : r->rsp) & ~15ULL;
	sp -= n * 8;
	for (i = 0; i < n; i++) {
		err = guest_write(vm, exit, sp + i * 8, frame[i]);
		if (err > 0)
			return 1;
		if (err)
			return vm_kill(vm, exit, "cannot deliver vector %llu: the guest's stack at 0x%llx is not writable",
				       vector, sp + i * 8);
	}
	r->rsp = sp;
	r->rip = handler;
	r->cs = LIGEIRO_GUEST_KERNEL_CS;
	r->ss = LIGEIRO_GUEST_KERNEL_DS;
	r->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF);
	if (g->bits.type == GATE_TYPE_INTERRUPT && sh)
		WRITE_ONCE(sh->irq_enabled, 0);
	return 0;
}
/* LAB(deliver): end */

/**
 * irq_reflect() - give the guest the exception it just took.
 *
 * Return: 0, or 1 with @exit filled in when the guest was killed.
 */
int irq_reflect(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct ligeiro_shared *sh = vm_shared(vm);

	if (vm->regs.vector == X86_TRAP_PF && sh)
		WRITE_ONCE(sh->cr2, vm->cr2);
	vm->stats.reflected++;
	return deliver(vm, exit, vm->regs.vector);
}

/**
 * irq_deliver() - before an entry: deliver a pending interrupt if the
 * guest's flag allows, and show it what is still pending.
 *
 * Return: 0, or 1 with @exit filled in when the guest was killed.
 */
int irq_deliver(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct ligeiro_shared *sh = vm_shared(vm);
	unsigned long bit;

	if (!sh || !vm->idt_gpa)
		return 0;
	bit = find_first_bit(&vm->pending, NR_PENDING);
	if (bit < NR_PENDING && READ_ONCE(sh->irq_enabled)) {
		clear_bit(bit, &vm->pending);
		vm->stats.injected++;
		if (deliver(vm, exit, LIGEIRO_TIMER_VECTOR + bit))
			return 1;
	}
	WRITE_ONCE(sh->irq_pending, READ_ONCE(vm->pending));
	return 0;
}
