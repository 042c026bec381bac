// SPDX-License-Identifier: GPL-2.0
/*
 * guestmem.c - guest-virtual memory, read and written as the guest would.
 *
 * The hypervisor reaches into the guest's memory through the guest's own
 * page tables (guest_walk() in shadow.c), with the rights of the guest's
 * ring, and sets the accessed and dirty bits the MMU would: to push an
 * interrupt frame (interrupts.c), and in trap mode to fetch and carry out
 * an instruction (emulate.c).  A fault on the way is the guest's, and is
 * prepared for irq_reflect() -- except in guest_peek(), whose reads are
 * the hypervisor's own business.
 *
 * Book: book/07-shadow-paging.md, "Faults that are the guest's".  Read
 * interrupts.c next.
 */
#include <linux/mm.h>
#include <asm/trap_pf.h>
#include <asm/traps.h>

#include "vm.h"

/**
 * guest_copy() - read or write guest-virtual memory as the guest would.
 * @vm: the guest, on its current tables.
 * @exit: filled in if the guest dies.
 * @va: the first byte; the range may cross pages.
 * @buf: where to read to, or what to write.
 * @len: how many bytes.
 * @how: GUEST_READ or GUEST_WRITE, plus GUEST_USER for a ring-3 access.
 *
 * Used to push interrupt frames and by the instruction emulator.  The MMU's
 * rules apply: a write needs a writable path (CR0.WP), a ring-3 access a
 * user one, and the accessed and dirty bits are set.
 *
 * Return: 0; -1 if the access faults, with @vm->regs->vector, .error and
 * @vm->cr2 describing the page fault for irq_reflect(); 1 if the tables
 * are hostile (the guest was killed, @exit says why).
 */
int guest_copy(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       void *buf, unsigned int len, unsigned int how)
{
	bool write = how & GUEST_WRITE, user = how & GUEST_USER;
	struct guest_walk w;

	while (len) {
		unsigned int n = min_t(u64, len, PAGE_SIZE - offset_in_page(va));
		void *p;

		if (va >= LOWER_HALF_END || va + n > LOWER_HALF_END)
			w.present = false;
		else if (guest_walk(vm, exit, va, &w))
			return 1;
		if (w.present && w.mmio)
			return vm_kill(vm, exit, "0x%llx is a device register, not memory",
				       va);
		if (!w.present || (write && !w.write) || (user && !w.user)) {
			vm->regs->vector = X86_TRAP_PF;
			vm->regs->error = how | (w.present ? X86_PF_PROT : 0);
			vm->cr2 = va;
			return -1;
		}
		if (write && w.leaf && !(*w.leaf & _PAGE_DIRTY))
			WRITE_ONCE(*w.leaf, *w.leaf | _PAGE_DIRTY);
		p = vm_page_ptr(vm, w.gpa + offset_in_page(va));
		if (write) {
			memcpy(p, buf, n);
			vm_mark_dirty(vm, w.gpa);
		}
		else
			memcpy(buf, p, n);
		buf += n;
		va += n;
		len -= n;
	}
	return 0;
}

/**
 * guest_phys() - the guest-physical address that guest-virtual @va maps to.
 *
 * Return: 0; -1 if @va is not mapped (the page fault is prepared as by
 * guest_copy()); 1 if the guest was killed.
 */
int guest_phys(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       u64 *gpa)
{
	struct guest_walk w = { .present = false };

	if (va < LOWER_HALF_END && guest_walk(vm, exit, va, &w))
		return 1;
	if (w.present && w.mmio)
		return vm_kill(vm, exit, "0x%llx is a device register, not memory",
			       va);
	if (!w.present) {
		vm->regs->vector = X86_TRAP_PF;
		vm->regs->error = 0;
		vm->cr2 = va;
		return -1;
	}
	*gpa = w.gpa + offset_in_page(va);
	return 0;
}

/**
 * guest_peek() - read guest memory for the hypervisor's own sake (the
 * instruction, what follows it), with the rights of the guest's ring.
 *
 * A fault here is nobody's, so the registers that describe faults stay
 * as they were.  Return: as guest_copy().
 */
int guest_peek(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       void *buf, unsigned int len)
{
	struct switcher_regs *r = vm->regs;
	u64 vector = r->vector, error = r->error, cr2 = vm->cr2;
	int err = guest_copy(vm, exit, va, buf, len,
			     (r->cs & 3) == 3 ? GUEST_USER : GUEST_READ);

	r->vector = vector;
	r->error = error;
	vm->cr2 = cr2;
	return err;
}
