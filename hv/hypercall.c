// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall.c - what the guest kernel may ask of the hypervisor.
 *
 * A hypercall is `int $LIGEIRO_HCALL_VECTOR` at ring 1: the guest leaves
 * through the Switcher like any trap, with the number in %rax and the
 * arguments in %rdi, %rsi, %rdx, %r10, %r8.  Everything in those registers
 * is the guest's word, not fact: every address is checked against guest
 * memory before we or the launcher touch it, and a request we cannot
 * honour kills the guest with a reason instead of guessing.
 *
 * Book: book/05-hypercalls-pvops.md.  run.c calls hypercall().  Read
 * guestmem.c next.
 */
#include <linux/mm.h>
#include <asm/tsc.h>

#include "vm.h"

/* A console line longer than this is a confused guest, not a long line. */
#define CONSOLE_MAX	4096

/* The stack for traps from ring 3: any address of the guest's half. */
static int set_stack(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		     u64 top)
{
	if (top >= LOWER_HALF_END)
		return vm_kill(vm, exit, "set_stack: 0x%llx is not in the guest's half",
			       top);
	vm->kstack = top;
	return 0;
}

/*
 * Register the shared page at @gpa (a page of guest memory) and tell the
 * guest where the Switcher is and how fast this host's TSC runs; a
 * restored state registers it again on its new host (state.c).
 */
void vm_share(struct ligeiro_vm *vm, u64 gpa)
{
	struct ligeiro_shared *shared = vm_page_ptr(vm, gpa);

	vm->shared = shared;
	vm->shared_gpa = gpa;
	WRITE_ONCE(shared->switcher_addr, switcher_guest_addr());
	WRITE_ONCE(shared->tsc_khz, tsc_khz);
}

static int hcall_init(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		      u64 gpa)
{
	if (!PAGE_ALIGNED(gpa) || !vm_range_ok(vm, gpa, PAGE_SIZE))
		return vm_kill(vm, exit, "init: shared page 0x%llx is not a page of guest memory",
			       gpa);
	vm_share(vm, gpa);
	return 0;
}

/**
 * hypercall() - carry out the hypercall the guest just made.
 * @vm: the guest, its registers as it left them.
 * @exit: filled in when the launcher must act.
 *
 * Return: 0 to go back into the guest, 1 to return to the launcher with
 * @exit filled in.
 */
int hypercall(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	/* LAB(hypercall): begin */
	struct switcher_regs *r = vm->regs;
	u64 nr = r->rax;

	if (nr >= LIGEIRO_HCALL_COUNT)
		return vm_kill(vm, exit, "unknown hypercall %llu at rip 0x%llx",
			       nr, r->rip);
	vm->stats.hypercalls[nr]++;
	r->rax = 0;
	switch (nr) {
	case LIGEIRO_HCALL_NOP:
		return 0;
	case LIGEIRO_HCALL_INIT:
		return hcall_init(vm, exit, r->rdi);
	case LIGEIRO_HCALL_CONSOLE:
		if (r->rsi > CONSOLE_MAX || !vm_range_ok(vm, r->rdi, r->rsi))
			return vm_kill(vm, exit, "console: %llu bytes at 0x%llx are not in guest memory",
				       r->rsi, r->rdi);
		exit->reason = LIGEIRO_RUN_CONSOLE;
		exit->console.gpa = r->rdi;
		exit->console.len = r->rsi;
		return 1;
	case LIGEIRO_HCALL_HALT:
		irq_halt(vm);
		return 0;
	case LIGEIRO_HCALL_SHUTDOWN:
		if (r->rdi > LIGEIRO_EXIT_GUEST_MAX)
			return vm_kill(vm, exit, "shutdown: exit code %llu is above %d",
				       r->rdi, LIGEIRO_EXIT_GUEST_MAX);
		vm->done = true;
		exit->reason = LIGEIRO_RUN_SHUTDOWN;
		exit->shutdown.code = r->rdi;
		return 1;
	case LIGEIRO_HCALL_LOAD_IDT:
		return irq_load_idt(vm, exit, r->rdi);
	case LIGEIRO_HCALL_SET_STACK:
		return set_stack(vm, exit, r->rdi);
	case LIGEIRO_HCALL_NEW_CR3:
		/* a context switch brings its stack along: one exit, not two */
		if (r->rsi && set_stack(vm, exit, r->rsi))
			return 1;
		return shadow_new_cr3(vm, exit, r->rdi, false);
	case LIGEIRO_HCALL_INVLPG:
		shadow_invalidate(vm, r->rdi);
		return 0;
	case LIGEIRO_HCALL_FLUSH:
		/* handle_exit() drained the batch as this exit began */
		if (r->rdi)
			shadow_invalidate(vm, LIGEIRO_BATCH_ALL);
		return 0;
	case LIGEIRO_HCALL_SET_TIMER:
		irq_set_timer(vm, r->rdi);
		return 0;
	case LIGEIRO_HCALL_MMIO:
		/* the value read comes back in %rax, zero-extended */
		return mmio_request(vm, exit, r->rdi,
				    r->rsi & ~LIGEIRO_MMIO_WRITE,
				    r->rsi & LIGEIRO_MMIO_WRITE, r->rdx, 0,
				    sizeof(r->rax));
	}
	return 0;
	/* LAB(hypercall): end */
}
