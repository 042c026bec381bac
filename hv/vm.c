// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - a virtual machine's birth and death: memory and page tables.
 *
 * Guest memory is not the module's: it is an ordinary anonymous mapping of
 * the launcher, which reads and writes it directly (that is how it loads
 * the guest image and prints the guest's console).  We pin its pages once
 * at creation, so they can neither move nor be swapped while the guest's
 * page tables point at them, and unpin them when the file is closed.
 * Its page tables start as an empty shadow root (shadow.c) in which guest
 * memory appears identity-mapped, page by page, as the guest touches it,
 * until the guest loads tables of its own.
 *
 * Book: book/04-world-switch.md.  Read paging.c next.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "vm.h"

/* Guest memory ends below the device window (uapi/ligeiro.h). */
#define VM_MEM_MAX	LIGEIRO_MMIO_BASE
static_assert(LIGEIRO_PAGE_SIZE == PAGE_SIZE);

/** vm_page_ptr() - the kernel's pointer to guest-physical address @gpa. */
void *vm_page_ptr(struct ligeiro_vm *vm, u64 gpa)
{
	return page_address(vm->pages[gpa >> PAGE_SHIFT]) +
	       offset_in_page(gpa);
}

static int check_create(const struct ligeiro_create *c)
{
	if (c->flags & ~LIGEIRO_CREATE_FLAGS || c->pad ||
	    c->roots > LIGEIRO_ROOTS_MAX ||
	    (c->mode != LIGEIRO_MODE_PV && c->mode != LIGEIRO_MODE_TRAP))
		return -EINVAL;
	if (!PAGE_ALIGNED(c->mem_addr) || !PAGE_ALIGNED(c->mem_size) ||
	    !c->mem_size || c->mem_size > VM_MEM_MAX)
		return -EINVAL;
	if (c->entry >= c->mem_size || c->boot_gpa >= c->mem_size)
		return -EINVAL;
	return 0;
}

/*
 * Pinning takes the memory now, all of it, so a guest larger than what
 * the host has free would bring the OOM killer onto the caller (or onto
 * some innocent process).  Refuse it instead, keeping an eighth of the
 * host's memory for the host.
 */
static bool memory_free_for(unsigned long npages)
{
	return npages + totalram_pages() / 8 <= si_mem_available();
}

static int pin_memory(struct ligeiro_vm *vm, const struct ligeiro_create *c)
{
	long pinned;

	if (!memory_free_for(c->mem_size >> PAGE_SHIFT))
		return -ENOMEM;
	vm->npages = c->mem_size >> PAGE_SHIFT;
	vm->pages = kvcalloc(vm->npages, sizeof(*vm->pages), GFP_KERNEL_ACCOUNT);
	if (!vm->pages)
		return -ENOMEM;
	pinned = pin_user_pages_fast(c->mem_addr, vm->npages,
				     FOLL_WRITE | FOLL_LONGTERM, vm->pages);
	if (pinned == vm->npages)
		return 0;
	if (pinned > 0)
		unpin_user_pages(vm->pages, pinned);
	kvfree(vm->pages);
	vm->pages = NULL;
	vm->npages = 0;
	return pinned < 0 ? pinned : -EFAULT;
}

/**
 * vm_create() - LIGEIRO_CREATE_VM: pin memory, a first root, registers.
 * @vm: a VM not yet created.
 * @c: the launcher's request, already copied in.
 *
 * Return: 0, -EINVAL for a bad request, -EFAULT if the memory range is
 * not the caller's, -ENOMEM (also when the host has not that much memory
 * free).  On failure nothing is left behind.
 */
int vm_create(struct ligeiro_vm *vm, const struct ligeiro_create *c)
{
	int err = check_create(c);

	if (err)
		return err;
	err = pin_memory(vm, c);
	if (err)
		return err;
	irq_init(vm);
	vm->rw = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	err = vm->rw ? shadow_init(vm, c->roots ?: LIGEIRO_ROOTS_DEFAULT) :
		       -ENOMEM;
	if (!err && !fpu_alloc_guest_fpstate(&vm->fpu))
		err = -ENOMEM;
	if (err) {
		vm_destroy(vm);
		return err;
	}
	/* The guest starts at ring 1 with interrupts (virtually) off. */
	vm->regs = &vm->rw->regs;
	vm->segs = &vm->rw->segs;
	memset(vm->regs, 0, sizeof(*vm->regs));
	vm->regs->rip = c->entry;
	vm->regs->cs = LIGEIRO_GUEST_KERNEL_CS;
	vm->regs->ss = LIGEIRO_GUEST_KERNEL_DS;
	vm->regs->rflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF;
	vm->regs->rdi = c->boot_gpa;
	memset(vm->segs, 0, sizeof(*vm->segs));
	vm->segs->ds = LIGEIRO_GUEST_KERNEL_DS;
	vm->segs->es = LIGEIRO_GUEST_KERNEL_DS;
	/*
	 * Trap mode's virtual CPU is as a native boot leaves it on its way
	 * to 64-bit C code: protected mode, paging, PAE, long mode.
	 */
	vm->mode = c->mode;
	vm->prefetch = !(c->flags & LIGEIRO_CREATE_NO_PREFETCH);
	vm->lazy_host = !(c->flags & LIGEIRO_CREATE_NO_LAZY_HOST);
	vm->fast_cr3 = c->mode == LIGEIRO_MODE_PV &&
		       !(c->flags & LIGEIRO_CREATE_NO_FAST_CR3);
	vm->cpu.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	vm->cpu.cr4 = X86_CR4_PAE;
	vm->cpu.efer = EFER_LME | EFER_LMA;
	smp_store_release(&vm->ready, true);
	return 0;
}

/** vm_destroy() - free the tables, FPU state and memory of @vm. */
void vm_destroy(struct ligeiro_vm *vm)
{
	if (!vm->pages)
		return;
	hrtimer_cancel(&vm->timer);
	if (vm->fpu.fpstate)
		fpu_free_guest_fpstate(&vm->fpu);
	shadow_destroy(vm);
	free_page((unsigned long)vm->rw);	/* no root maps it now */
	vm->rw = NULL;
	kvfree(vm->dirty);
	vm->dirty = NULL;
	unpin_user_pages_dirty_lock(vm->pages, vm->npages, true);
	kvfree(vm->pages);
	vm->pages = NULL;
}
