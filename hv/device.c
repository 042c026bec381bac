// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - a device-register access, on its way to the launcher and back.
 *
 * The launcher plays the virtio devices; the module only carries their
 * register accesses.  Both modes end here: a pv guest asks with
 * HCALL_MMIO (hypercall.c), a trap-mode guest's plain mov to the device
 * window faults and emulate_mmio() decodes it.  mmio_request() checks the
 * access and fills in a LIGEIRO_RUN_MMIO exit; for a read, the launcher
 * brings the value back with its next LIGEIRO_RUN, and mmio_complete(),
 * called by the run loop, puts it in the register the guest named.
 *
 * Book: book/09-virtio.md, "Two transports".  Read pc.c next.
 */
#include "vm.h"

/** vm_gpr() - general register @n in the encoding's order: rax, rcx, rdx... */
u64 *vm_gpr(struct switcher_regs *r, unsigned int n)
{
	u64 *const regs[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
		&r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
		&r->r12, &r->r13, &r->r14, &r->r15,
	};

	return regs[n & 15];
}

/**
 * vm_set_reg() - write @size bytes of @value to a register as the CPU
 * would: 32-bit writes clear the upper half, 8- and 16-bit ones keep the
 * rest.
 */
void vm_set_reg(u64 *reg, u64 value, unsigned int size)
{
	if (size == 8)
		*reg = value;
	else if (size == 4)
		*reg = (u32)value;
	else
		*reg = (*reg & ~((1ULL << size * 8) - 1)) |
		       (value & ((1ULL << size * 8) - 1));
}

/**
 * mmio_request() - hand a device-register access to the launcher.
 * @gpa, @size, @write, @value: the access (@value only for a write).
 * @reg, @reg_size: for a read, the general register that receives the
 *	value and how many of its bytes (mmio_complete()).
 *
 * Used by HCALL_MMIO and by emulate_mmio().  Return: 1, with @exit filled
 * in, or the guest killed for an access outside the window, of a size
 * other than 1, 2 or 4, or not naturally aligned.
 */
int mmio_request(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gpa,
		 unsigned int size, bool write, u64 value, unsigned int reg,
		 unsigned int reg_size)
{
	if (!vm_mmio_gpa(gpa) || (size != 1 && size != 2 && size != 4) ||
	    gpa & (size - 1))
		return vm_kill(vm, exit, "device access: %u bytes at 0x%llx, not a register of the window",
			       size, gpa);
	exit->reason = LIGEIRO_RUN_MMIO;
	exit->mmio.gpa = gpa;
	exit->mmio.size = size;
	exit->mmio.write = write;
	exit->mmio.value = write ? value & GENMASK_ULL(size * 8 - 1, 0) : 0;
	vm->mmio_read = !write;
	vm->mmio_reg = reg;
	vm->mmio_reg_size = reg_size;
	vm->mmio_size = size;
	return 1;
}

/**
 * mmio_complete() - the launcher did the read that mmio_request() asked
 * for: put its @value where the guest expects it.  Called by vm_run()
 * before every run; does nothing unless a read is outstanding.
 */
void mmio_complete(struct ligeiro_vm *vm, u64 value)
{
	if (!vm->mmio_read)
		return;
	vm->mmio_read = false;
	vm_set_reg(vm_gpr(vm->regs, vm->mmio_reg),
		value & GENMASK_ULL(vm->mmio_size * 8 - 1, 0),
		vm->mmio_reg_size);
}
