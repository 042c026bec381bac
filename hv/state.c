// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - a VM's whole state, out and back in, and its dirty pages.
 *
 * Saving a machine, or moving it to another host, needs three things:
 * its memory, its virtual CPU, and its devices.  The memory is the
 * launcher's own mapping and the devices are the launcher's too, so what
 * the module must hand out is only the virtual CPU: the registers the
 * exit path left in the guest's register page, what the hypercalls
 * registered (shared page, IDT, kernel stack), the pending interrupts and
 * the timer, the FPU, and in trap mode the CPU and PC devices the guest
 * believes it has.  LIGEIRO_GET_VCPU copies them out; LIGEIRO_SET_VCPU
 * loads them into a VM, after checking each value as strictly as the
 * hypercall or instruction that could have set it would have.
 *
 * Live migration copies memory while the guest keeps running, so it must
 * learn which pages changed since it copied them: LIGEIRO_GET_DIRTY.
 * Shadow paging makes that cheap, since the hypervisor already decides
 * when a guest page becomes writable: shadow_protect() takes write access
 * away, and the fault that gives it back logs the page.
 *
 * Book: book/17-migration.md.  This is the end of the tour.
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr.h>

#include "vm.h"

static void regs_out(const struct ligeiro_vm *vm, struct ligeiro_regs *o)
{
	const struct switcher_regs *r = vm->regs;
	const struct switcher_segs *s = vm->segs;

	*o = (struct ligeiro_regs){
		.r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12,
		.r11 = r->r11, .r10 = r->r10, .r9 = r->r9, .r8 = r->r8,
		.rbp = r->rbp, .rdi = r->rdi, .rsi = r->rsi, .rdx = r->rdx,
		.rcx = r->rcx, .rbx = r->rbx, .rax = r->rax,
		.rip = r->rip, .cs = r->cs, .rflags = r->rflags,
		.rsp = r->rsp, .ss = r->ss,
		.ds = s->ds, .es = s->es, .fs = s->fs, .gs = s->gs,
		.fs_base = s->fs_base, .gs_base = s->gs_base,
	};
}

static void regs_in(struct switcher_regs *r, struct switcher_segs *s,
		    const struct ligeiro_regs *i)
{
	*r = (struct switcher_regs){
		.r15 = i->r15, .r14 = i->r14, .r13 = i->r13, .r12 = i->r12,
		.r11 = i->r11, .r10 = i->r10, .r9 = i->r9, .r8 = i->r8,
		.rbp = i->rbp, .rdi = i->rdi, .rsi = i->rsi, .rdx = i->rdx,
		.rcx = i->rcx, .rbx = i->rbx, .rax = i->rax,
		.rip = i->rip, .cs = i->cs, .rflags = i->rflags,
		.rsp = i->rsp, .ss = i->ss,
	};
	*s = (struct switcher_segs){
		.ds = i->ds, .es = i->es, .fs = i->fs, .gs = i->gs,
		.fs_base = i->fs_base, .gs_base = i->gs_base,
	};
}

/**
 * state_get() - LIGEIRO_GET_VCPU: the virtual CPU, between two runs.
 * @vm: a created VM; the caller holds @vm->lock.
 * @arg: the launcher's struct ligeiro_vcpu.
 */
long state_get(struct ligeiro_vm *vm, void __user *arg)
{
	struct ligeiro_vcpu *st;
	long err = 0;

	if (vm->done)
		return -ESRCH;
	if (vm->mmio_read)	/* the guest's instruction is half done */
		return -EBUSY;
	if (vm->fpu.uabi_size > LIGEIRO_FPU_SIZE)
		return -EOVERFLOW;
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	st->size = sizeof(*st);
	st->mode = vm->mode;
	regs_out(vm, &st->regs);
	st->cr2 = vm->cr2;
	st->gcr3 = vm->cur->gcr3;
	st->idt_gpa = vm->idt_gpa;
	st->kstack = vm->kstack;
	st->shared_gpa = vm->shared ? vm->shared_gpa : 0;
	st->pending = READ_ONCE(vm->pending);
	if (hrtimer_active(&vm->timer))
		st->timer_ns = max_t(s64, 1,
				     ktime_to_ns(hrtimer_get_remaining(&vm->timer)));
	st->pkru = vm->pkru;
	st->tsc = rdtsc() + vm->tsc_offset;
	st->cpu = vm->cpu;
	st->pc = vm->pc;
	/* The hosts' clocks differ: how long ago, not when. */
	st->pc.ch2_start = ktime_to_ns(ktime_sub(ktime_get(), vm->pc.ch2_start));
	fpu_copy_guest_fpstate_to_uabi(&vm->fpu, st->fpu, sizeof(st->fpu),
				       vm->fpu.fpstate->user_xfeatures, vm->pkru);
	if (copy_to_user(arg, st, sizeof(*st)))
		err = -EFAULT;
	kfree(st);
	return err;
}

static bool canonical(u64 va)
{
	return (s64)va == (s64)(va << 16) >> 16;
}

/* A data segment the guest can have loaded: null, or one of its own. */
static bool data_selector(u64 sel)
{
	return sel <= 3 || sel == LIGEIRO_GUEST_KERNEL_DS ||
	       sel == LIGEIRO_GUEST_USER_DS;
}

/* Would trap mode's emulator have let the guest reach this state? */
static bool virt_ok(const struct ligeiro_vcpu *st)
{
	const struct ligeiro_virt_cpu *c = &st->cpu;
	const struct ligeiro_virt_pc *pc = &st->pc;
	int i;

	if ((c->cr0 & (X86_CR0_PG | X86_CR0_PE)) != (X86_CR0_PG | X86_CR0_PE) ||
	    c->cr0 >> 32 || c->cr4 & ~CR4_ALLOWED || !(c->cr4 & X86_CR4_PAE) ||
	    c->cr8 > 15 || (c->efer & ~EFER_NX) != (EFER_LME | EFER_LMA))
		return false;
	for (i = 0; i < ARRAY_SIZE(pc->pic); i++)
		if (pc->pic[i].icw > 3)
			return false;
	for (i = 0; i < ARRAY_SIZE(pc->pit_access); i++)
		if (pc->pit_access[i] > 3 || pc->pit_hi[i] > 1)
			return false;
	return pc->out_len < sizeof(pc->out) && pc->ch2_start >= 0;
}

/* Everything SET checks, before it changes anything. */
static bool state_ok(struct ligeiro_vm *vm, const struct ligeiro_vcpu *st)
{
	const struct ligeiro_regs *r = &st->regs;
	struct switcher_regs regs;
	struct switcher_segs segs;

	regs_in(&regs, &segs, r);
	if (st->size != sizeof(*st) || st->mode != vm->mode || st->pad ||
	    !regs_sanitize(&regs) || regs.rflags != r->rflags ||
	    !data_selector(r->ds) || !data_selector(r->es) ||
	    !data_selector(r->fs) || !data_selector(r->gs) ||
	    !canonical(r->fs_base) || !canonical(r->gs_base))
		return false;
	/* The identity root is only there until the guest's first tables. */
	if (st->gcr3 == LIGEIRO_NO_CR3 ? vm->cur->gcr3 != LIGEIRO_NO_CR3 :
	    !PAGE_ALIGNED(st->gcr3) || !vm_range_ok(vm, st->gcr3, PAGE_SIZE))
		return false;
	if (st->idt_gpa && !irq_idt_fits(vm, st->idt_gpa))
		return false;
	if (st->shared_gpa && (!PAGE_ALIGNED(st->shared_gpa) ||
			       !vm_range_ok(vm, st->shared_gpa, PAGE_SIZE)))
		return false;
	if (st->kstack >= LOWER_HALF_END || st->timer_ns > KTIME_MAX)
		return false;
	return vm->mode == LIGEIRO_MODE_PV || virt_ok(st);
}

static long state_load(struct ligeiro_vm *vm, struct ligeiro_vcpu *st)
{
	struct ligeiro_exit exit;
	u32 pkru = st->pkru;

	if (vm->done)
		return -ESRCH;
	if (!state_ok(vm, st))
		return -EINVAL;
	/* The one check that can fail is the first change. */
	if (fpu_copy_uabi_to_guest_fpstate(&vm->fpu, st->fpu,
					   vm->fpu.fpstate->user_xfeatures,
					   &pkru))
		return -EINVAL;
	regs_in(vm->regs, vm->segs, &st->regs);
	vm->cr2 = st->cr2;
	vm->kstack = st->kstack;
	vm->pkru = pkru;
	/* A new host's TSC started again at its boot: go on from ours. */
	vm->tsc_offset = st->tsc - rdtsc();
	vm->cpu = st->cpu;
	vm->pc = st->pc;
	vm->pc.ch2_start = ktime_sub_ns(ktime_get(), st->pc.ch2_start);
	vm->mmio_read = false;
	vm->shared = NULL;
	if (st->shared_gpa)
		vm_share(vm, st->shared_gpa);
	vm->idt_gpa = 0;
	if (st->idt_gpa && irq_load_idt(vm, &exit, st->idt_gpa))
		return -EINVAL;
	WRITE_ONCE(vm->pending, st->pending);
	irq_set_timer(vm, st->timer_ns);
	/* Its tables are read only now, and a hostile set ends the guest. */
	if (st->gcr3 != vm->cur->gcr3 &&
	    shadow_new_cr3(vm, &exit, st->gcr3, true))
		return -EINVAL;
	return 0;
}

/**
 * state_set() - LIGEIRO_SET_VCPU: load a virtual CPU into @vm.
 * @vm: a created VM; the caller holds @vm->lock.
 * @arg: a struct ligeiro_vcpu, untrusted: from a file or a socket.
 */
long state_set(struct ligeiro_vm *vm, const void __user *arg)
{
	struct ligeiro_vcpu *st = memdup_user(arg, sizeof(*st));
	long err;

	if (IS_ERR(st))
		return PTR_ERR(st);
	err = state_load(vm, st);
	kfree(st);
	return err;
}

/**
 * state_dirty() - LIGEIRO_GET_DIRTY: the pages written since last asked.
 * @vm: a created VM; the caller holds @vm->lock, so the guest is out.
 * @arg: a struct ligeiro_dirty.
 */
long state_dirty(struct ligeiro_vm *vm, const void __user *arg)
{
	size_t bytes = BITS_TO_LONGS(vm->npages) * sizeof(long);
	struct ligeiro_dirty d;

	if (copy_from_user(&d, arg, sizeof(d)))
		return -EFAULT;
	if (!d.bitmap) {
		kvfree(vm->dirty);
		vm->dirty = NULL;
		return 0;
	}
	if (d.npages != vm->npages)
		return -EINVAL;
	if (!vm->dirty) {
		vm->dirty = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
		if (!vm->dirty)
			return -ENOMEM;
		bitmap_fill(vm->dirty, vm->npages);
	}
	/* The hypervisor writes the shared page at every exit. */
	if (vm->shared)
		vm_mark_dirty(vm, vm->shared_gpa);
	if (copy_to_user(u64_to_user_ptr(d.bitmap), vm->dirty, bytes))
		return -EFAULT;		/* the bits stay for the next call */
	bitmap_zero(vm->dirty, vm->npages);
	shadow_protect(vm);
	return 0;
}
