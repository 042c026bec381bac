// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - the vCPU loop: enter the guest, see why it left, decide.
 *
 * The launcher's thread calls LIGEIRO_RUN and stays here, going in and out
 * of the guest, until something needs the launcher: console output, trap
 * mode's serial line, a device register (device.c), the end of the guest,
 * or a signal.  Every exit is one of these:
 *
 *   a host interrupt   switcher.c already gave it back to Linux; go on;
 *   a hypercall        hypercall.c serves it;
 *   a trapped          trap mode: emulate.c carries out the privileged
 *     instruction      instruction the guest tried (a #GP to us);
 *   a page fault       shadow.c fills in the shadow tables, or finds the
 *                      fault is the guest's own;
 *   a guest fault      delivered to the guest's own handler
 *                      (interrupts.c); before the guest has an IDT, or
 *                      for what a paravirtual kernel must never do, the
 *                      guest dies, and the launcher prints why.
 *
 * Between two entries we are an ordinary kernel thread: a pending signal
 * ends the ioctl (so even a guest spinning with interrupts virtually off
 * dies at once on SIGKILL: the host's timer interrupt brings us here), and
 * cond_resched() lets Linux run others.  We never spin in the module.
 *
 * Book: book/04-world-switch.md, "The run loop".  Read
 * guest/selftest/hostile.h next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/traps.h>

#include "vm.h"

static const char *const exception_names[X86_TRAP_VC + 1] = {
	[X86_TRAP_DE] = "divide error",	[X86_TRAP_DB] = "debug trap",
	[X86_TRAP_BP] = "breakpoint",	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bound range",	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "FPU not available", [X86_TRAP_DF] = "double fault",
	[X86_TRAP_TS] = "invalid TSS",	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack fault",	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",	[X86_TRAP_MF] = "x87 FPU error",
	[X86_TRAP_AC] = "alignment check", [X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "SIMD exception",
};

/**
 * vm_kill() - end the guest for misbehaving, with a reason for the launcher.
 * @vm: the guest.
 * @exit: gets LIGEIRO_RUN_KILLED and the reason.
 * @fmt: printf-style reason.
 *
 * Return: 1, so that callers can `return vm_kill(...)` to leave the loop.
 */
int vm_kill(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(exit->killed.reason, sizeof(exit->killed.reason), fmt, ap);
	va_end(ap);
	exit->reason = LIGEIRO_RUN_KILLED;
	vm->done = true;
	/* Killing guests by the thousand must not flood the host's log. */
	pr_info_ratelimited("guest killed: %s\n", exit->killed.reason);
	return 1;
}

/* Explain a fault in words a student can act on. */
static int guest_fault(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct switcher_regs *r = vm->regs;
	const char *name = r->vector < ARRAY_SIZE(exception_names) &&
			   exception_names[r->vector] ?
			   exception_names[r->vector] : "exception";

	if ((r->cs & 3) == 0)
		return vm_kill(vm, exit, "the Switcher itself took %s (vector %llu) at 0x%llx",
			       name, r->vector, r->rip);
	if (r->vector == X86_TRAP_PF) {
		const char *where = vm->cr2 >= LOWER_HALF_END ?
			"in the upper half, which belongs to the hypervisor" :
			"not mapped by the guest";

		if (r->error & X86_PF_PROT && r->error & X86_PF_WRITE)
			where = "a write to a read-only page";
		if (r->error & X86_PF_PROT && r->error & X86_PF_INSTR)
			where = "an instruction fetch from a non-executable page";
		return vm_kill(vm, exit, "page fault at 0x%llx (%s) by rip 0x%llx, error 0x%llx",
			       vm->cr2, where, r->rip, r->error);
	}
	if (r->vector == X86_TRAP_GP)
		return vm_kill(vm, exit, "general protection fault at rip 0x%llx, error 0x%llx: a privileged instruction at ring 1?",
			       r->rip, r->error);
	return vm_kill(vm, exit, "%s (vector %llu) at rip 0x%llx, error 0x%llx",
		       name, r->vector, r->rip, r->error);
}

/*
 * A fault of the guest's.  A paravirtual kernel never executes a
 * privileged instruction, so a #GP at ring 1 is a bug and fatal; in trap
 * mode it is how the guest asks, and emulate.c answers.  The upper half
 * is ours: the guest kernel dies for touching it, a process of the guest
 * only faults.  Anything else goes to the guest's handler once it has
 * one, as it would on real hardware.
 */
static int exception(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct switcher_regs *r = vm->regs;
	u64 gpa;
	int fixed;

	if (r->vector == X86_TRAP_PF && vm->cr2 < LOWER_HALF_END &&
	    (r->cs & 3)) {
		fixed = shadow_fault(vm, exit, &gpa);
		if (fixed == SHADOW_MMIO && vm->mode == LIGEIRO_MODE_TRAP) {
			vm->stats.exits[LIGEIRO_STAT_EMULATION]++;
			return emulate_mmio(vm, exit, gpa);
		}
		vm->stats.exits[LIGEIRO_STAT_EXCEPTION]++;
		if (fixed == SHADOW_MMIO)
			return vm_kill(vm, exit, "a pv guest touched device register 0x%llx: it must use HCALL_MMIO",
				       gpa);
		if (fixed >= 0)
			return fixed;
	} else if (r->vector == X86_TRAP_GP && vm->tsc_offset &&
		   vm->mode == LIGEIRO_MODE_PV) {
		/* a restored guest's rdtsc (trap mode's is emulate()'s) */
		fixed = emulate_rdtsc(vm, exit);
		vm->stats.exits[fixed >= 0 ? LIGEIRO_STAT_EMULATION :
					     LIGEIRO_STAT_EXCEPTION]++;
		if (fixed >= 0)
			return fixed;
	} else {
		vm->stats.exits[LIGEIRO_STAT_EXCEPTION]++;
	}
	if (!vm->idt_gpa || (r->cs & 3) == 0 || r->vector == X86_TRAP_DF ||
	    (r->vector == X86_TRAP_GP && (r->cs & 3) == 1 &&
	     vm->mode == LIGEIRO_MODE_PV) ||
	    (r->vector == X86_TRAP_PF && vm->cr2 >= LOWER_HALF_END &&
	     (r->cs & 3) != 3))
		return guest_fault(vm, exit);
	/*
	 * A process that reaches into the upper half gets what hardware
	 * would give it on the guest's own tables, which map nothing there:
	 * a not-present fault for its kernel, which ends the process alone.
	 */
	if (r->vector == X86_TRAP_PF && vm->cr2 >= LOWER_HALF_END)
		r->error &= ~(X86_PF_PROT | X86_PF_RSVD | X86_PF_PK);
	return irq_reflect(vm, exit);
}

/* Decide what an exit means: 0 to re-enter, 1 to return to the launcher. */
static int handle_exit(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	u64 vector = vm->regs->vector;
	int ret;

	shadow_drain(vm);
	if ((vector >= FIRST_EXTERNAL_VECTOR &&
	     vector != LIGEIRO_SYSCALL_VECTOR) ||
	    vector == X86_TRAP_NMI || vector == X86_TRAP_MC) {
		vm->stats.exits[LIGEIRO_STAT_INTERRUPT]++;
		return 0;
	}
	if (vm->mode == LIGEIRO_MODE_PV) {
		if (vector == LIGEIRO_HCALL_VECTOR && (vm->regs->cs & 3) == 1) {
			vm->stats.exits[LIGEIRO_STAT_HYPERCALL]++;
			return hypercall(vm, exit);
		}
	} else if (vector == X86_TRAP_GP && vm->regs->cs & 3) {
		ret = emulate(vm, exit);
		if (ret >= 0) {
			vm->stats.exits[LIGEIRO_STAT_EMULATION]++;
			return ret;
		}
	} else if (vector == LIGEIRO_HCALL_VECTOR ||
		   vector == LIGEIRO_SYSCALL_VECTOR) {
		/* trap mode has no hypercalls: an `int` like any other */
		vm->stats.exits[LIGEIRO_STAT_EXCEPTION]++;
		return irq_soft(vm, exit, vector);
	}
	return exception(vm, exit);	/* it counts the exit */
}

/**
 * vm_run() - LIGEIRO_RUN: run the guest until the launcher must act.
 * @vm: a created VM; the caller holds @vm->lock.
 * @exit: what the launcher brought (a device read's value); filled in
 *	on return 0.
 *
 * Return: 0 with @exit filled in, -EINTR when a signal is pending (call
 * again to continue), -ESRCH once the guest has ended.
 */
int vm_run(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	int ret;

	if (vm->done)
		return -ESRCH;
	mmio_complete(vm, exit->mmio.value);
	memset(exit, 0, sizeof(*exit));
	/*
	 * While we are here the thread's FPU state is the guest's: Linux
	 * saves and restores it across preemption like any task's, and the
	 * launcher's own SSE code between two runs cannot clobber it.
	 */
	fpu_swap_kvm_fpstate(&vm->fpu, true);
	switcher_new_run(vm);
	WRITE_ONCE(vm->task, current);
	for (;;) {
		ret = -EINTR;
		if (signal_pending(current))
			break;
		ret = 0;
		if (unlikely(vm->lab_missing)) {
			vm_kill(vm, exit, "%s is not written yet",
				vm->lab_missing);
			break;
		}
		if (!regs_sanitize(vm->regs)) {
			vm_kill(vm, exit, "corrupt guest state: cs 0x%llx ss 0x%llx rip 0x%llx",
				vm->regs->cs, vm->regs->ss, vm->regs->rip);
			break;
		}
		cond_resched();
		/*
		 * From the last look at what is pending to the guest, host
		 * interrupts wait: a line raised meanwhile (its kick, or this
		 * CPU's own timer) then interrupts the guest at once, instead
		 * of waiting for its next exit.  switcher_run() turns them
		 * back on.
		 */
		local_irq_disable();
		if (irq_deliver(vm, exit)) {
			local_irq_enable();
			break;
		}

		vm->stats.entries++;
		switcher_run(vm);
		if (handle_exit(vm, exit))
			break;
	}
	WRITE_ONCE(vm->task, NULL);
	fpu_swap_kvm_fpstate(&vm->fpu, false);
	return ret;
}
