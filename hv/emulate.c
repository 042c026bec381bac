// SPDX-License-Identifier: GPL-2.0
/*
 * emulate.c - trap mode: do what the guest's privileged instruction asked.
 *
 * In trap mode the guest is the native kernel, unmodified, at ring 1.
 * Each privileged instruction it executes there (cli, mov to %cr3, out,
 * lidt...) raises a #GP instead of running, and run.c sends that here.
 * We fetch the instruction from the guest's memory, decode it (decode.c),
 * carry it out on the virtual CPU of struct ligeiro_virt_cpu or the devices of
 * pc.c, and step over it.  The guest cannot tell -- except by the clock,
 * and by the instructions that do *not* trap: that is Popek and Goldberg's
 * point, and book chapter 8's.
 *
 * Anything we do not emulate gets the #GP it raised, in the guest's own
 * handler, as on a CPU where the instruction is simply not allowed.  From
 * ring 3 only the UMIP instructions (sgdt, sidt, sldt, smsw, str) are
 * emulated: the guest never turned UMIP on, so to it they are legal.
 *
 * Book: book/08-trap-and-emulate.md.  Read device.c next.
 */
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "decode.h"
#include "vm.h"

#define EMUL_AGAIN		2	/* execute(): leave rip, run it again */
#define OPCODE_HLT		0xf4
#define DESC_TYPE_TSS		9	/* 64-bit TSS, available */
#define DESC_TSS_BUSY		2	/* the type's busy bit */

static const unsigned int emul_kind[] = {
	[INSN_CLI] = LIGEIRO_EMUL_IRQFLAG,	[INSN_STI] = LIGEIRO_EMUL_IRQFLAG,
	[INSN_HLT] = LIGEIRO_EMUL_HLT,
	[INSN_MOV_FROM_CR] = LIGEIRO_EMUL_CR,	[INSN_MOV_TO_CR] = LIGEIRO_EMUL_CR,
	[INSN_LGDT] = LIGEIRO_EMUL_DESC,	[INSN_LIDT] = LIGEIRO_EMUL_DESC,
	[INSN_SGDT] = LIGEIRO_EMUL_DESC,	[INSN_SIDT] = LIGEIRO_EMUL_DESC,
	[INSN_LTR] = LIGEIRO_EMUL_DESC,		[INSN_STR] = LIGEIRO_EMUL_DESC,
	[INSN_SLDT] = LIGEIRO_EMUL_DESC,	[INSN_SMSW] = LIGEIRO_EMUL_DESC,
	[INSN_INVLPG] = LIGEIRO_EMUL_INVLPG,
	[INSN_RDMSR] = LIGEIRO_EMUL_MSR,	[INSN_WRMSR] = LIGEIRO_EMUL_MSR,
	[INSN_RDTSC] = LIGEIRO_EMUL_MSR,
	[INSN_IN] = LIGEIRO_EMUL_PORT,		[INSN_OUT] = LIGEIRO_EMUL_PORT,
	[INSN_MOV_LOAD] = LIGEIRO_EMUL_MMIO,	[INSN_MOV_STORE] = LIGEIRO_EMUL_MMIO,
};

/* The memory operand's address. */
static u64 operand_addr(struct ligeiro_vm *vm, const struct decoded_insn *in)
{
	unsigned long long regs[16];
	u64 seg = in->seg == INSN_SEG_FS ? vm->segs->fs_base :
		  in->seg == INSN_SEG_GS ? vm->segs->gs_base : 0;
	unsigned int i;

	for (i = 0; i < 16; i++)
		regs[i] = *vm_gpr(vm->regs, i);
	return decode_address(in, regs, vm->regs->rip + in->len, seg);
}

/*
 * Read or write the operand of @in: its register, or @len bytes of
 * memory.  Return 0, or as guest_copy(): -1 page fault (prepared), 1 dead.
 */
static int operand(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		   const struct decoded_insn *in, void *buf, unsigned int len,
		   unsigned int how)
{
	u64 *reg = vm_gpr(vm->regs, in->rm);

	if (!in->mem) {
		if (how & GUEST_WRITE)
			vm_set_reg(reg, *(u64 *)buf, in->size);
		else
			memcpy(buf, reg, len);
		return 0;
	}
	if ((vm->regs->cs & 3) == 3)
		how |= GUEST_USER;
	return guest_copy(vm, exit, operand_addr(vm, in), buf, len, how);
}

/* mov from %crN.  Return 0, or -1 for a register that does not exist. */
static int read_cr(struct ligeiro_virt_cpu *cpu, unsigned int n, u64 *value)
{
	switch (n) {
	case 0: *value = cpu->cr0; return 0;
	case 2: *value = cpu->cr2; return 0;
	case 3: *value = cpu->cr3; return 0;
	case 4: *value = cpu->cr4; return 0;
	case 8: *value = cpu->cr8; return 0;
	}
	return -1;
}

/*
 * mov to %crN.  Leaving paging or long mode is beyond a ring-1 guest, so
 * it ends the guest; reserved bits get the #GP the CPU would give.
 */
static int write_cr(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		    unsigned int n, u64 value)
{
	/* LAB(trap): begin */
	struct ligeiro_virt_cpu *cpu = &vm->cpu;

	switch (n) {
	case 0:
		if ((value & (X86_CR0_PG | X86_CR0_PE)) !=
		    (X86_CR0_PG | X86_CR0_PE))
			return vm_kill(vm, exit, "mov to %%cr0 (0x%llx) would turn paging off: not supported",
				       value);
		if (value >> 32)
			return irq_raise(vm, exit, X86_TRAP_GP, 0);
		cpu->cr0 = value | X86_CR0_ET;
		return 0;
	case 2:
		cpu->cr2 = value;
		return 0;
	case 3:
		cpu->cr3 = value;
		return shadow_new_cr3(vm, exit, value & PTE_PFN_MASK, true);
	case 4:
		if (value & ~CR4_ALLOWED)
			return irq_raise(vm, exit, X86_TRAP_GP, 0);
		if (!(value & X86_CR4_PAE))
			return vm_kill(vm, exit, "mov to %%cr4 (0x%llx) would leave long mode: not supported",
				       value);
		/* Changing how pages are mapped flushes the whole TLB. */
		if ((value ^ cpu->cr4) & (X86_CR4_PGE | X86_CR4_PSE))
			shadow_invalidate(vm, LIGEIRO_BATCH_ALL);
		cpu->cr4 = value;
		return 0;
	case 8:
		if (value > 15)
			return irq_raise(vm, exit, X86_TRAP_GP, 0);
		cpu->cr8 = value;
		return 0;
	}
	return irq_raise(vm, exit, X86_TRAP_UD, 0);
	/* LAB(trap): end */
}

/*
 * ltr: look the selector up in the guest's GDT, as the CPU does; it must
 * name an available 64-bit TSS, which becomes busy.
 */
static int load_tr(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u16 sel)
{
	struct ligeiro_virt_cpu *cpu = &vm->cpu;
	u64 where = cpu->gdt_base + (sel & ~7), desc[2];
	int err;

	if (!(sel & ~7) || sel & 4 || (sel | 7) + 8 > cpu->gdt_limit)
		return irq_raise(vm, exit, X86_TRAP_GP, sel & ~3);
	err = guest_copy(vm, exit, where, desc, sizeof(desc), GUEST_READ);
	if (err)
		return err < 0 ? irq_reflect(vm, exit) : 1;
	if ((desc[0] >> 40 & 0x1f) != DESC_TYPE_TSS || !(desc[0] >> 47 & 1))
		return irq_raise(vm, exit, X86_TRAP_GP, sel & ~3);
	desc[0] |= (u64)DESC_TSS_BUSY << 40;
	err = guest_copy(vm, exit, where, desc, sizeof(desc[0]), GUEST_WRITE);
	if (err)
		return err < 0 ? irq_reflect(vm, exit) : 1;
	cpu->tr = sel;
	cpu->tss_base = (desc[0] >> 16 & 0xffffff) |
			(desc[0] >> 56 & 0xff) << 24 | desc[1] << 32;
	return 0;
}

/* lgdt and lidt: a 2-byte limit, an 8-byte base. */
static int load_table(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		      const struct decoded_insn *in)
{
	struct ligeiro_virt_cpu *cpu = &vm->cpu;
	u8 desc[10];
	u64 base, gpa;
	u16 limit;
	int err = operand(vm, exit, in, desc, sizeof(desc), GUEST_READ);

	if (err)
		return err < 0 ? irq_reflect(vm, exit) : 1;
	memcpy(&limit, desc, 2);
	memcpy(&base, desc + 2, 8);
	/* A table at no address at all: the CPU's #GP, not a later fault. */
	if ((s64)base != (s64)(base << 16) >> 16)
		return irq_raise(vm, exit, X86_TRAP_GP, 0);
	if (in->op == INSN_LGDT) {
		cpu->gdt_base = base;
		cpu->gdt_limit = limit;
		return 0;
	}
	/* Our delivery reads whole 256-gate IDTs (interrupts.c). */
	if (limit != IDT_ENTRIES * sizeof(gate_desc) - 1)
		return vm_kill(vm, exit, "lidt: limit %u, but ligeiro needs all 256 gates",
			       limit);
	err = guest_phys(vm, exit, base, &gpa);
	if (err)
		return err < 0 ? irq_reflect(vm, exit) : 1;
	cpu->idt_base = base;
	cpu->idt_limit = limit;
	return irq_load_idt(vm, exit, gpa);
}

/* sgdt and sidt: what the guest loaded, not the tables really in use. */
static int store_table(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		       const struct decoded_insn *in)
{
	bool gdt = in->op == INSN_SGDT;
	u16 limit = gdt ? vm->cpu.gdt_limit : vm->cpu.idt_limit;
	u64 base = gdt ? vm->cpu.gdt_base : vm->cpu.idt_base;
	u8 desc[10];
	int err;

	memcpy(desc, &limit, 2);
	memcpy(desc + 2, &base, 8);
	err = operand(vm, exit, in, desc, sizeof(desc), GUEST_WRITE);
	return err < 0 ? irq_reflect(vm, exit) : err;
}

/* rdmsr and wrmsr: EFER and the segment bases; any other MSR is a #GP. */
static int msr(struct ligeiro_vm *vm, struct ligeiro_exit *exit, bool write)
{
	/* LAB(trap): begin */
	struct switcher_regs *r = vm->regs;
	u64 value = r->rdx << 32 | (u32)r->rax, *msr;

	switch ((u32)r->rcx) {
	case MSR_EFER:
		msr = &vm->cpu.efer;
		if (write && (value ^ vm->cpu.efer) & ~EFER_NX)
			return vm_kill(vm, exit, "wrmsr EFER 0x%llx: only NXE may change under ligeiro",
				       value);
		break;
	case MSR_FS_BASE:
		msr = &vm->segs->fs_base;
		break;
	case MSR_GS_BASE:
		msr = &vm->segs->gs_base;
		break;
	default:
		return irq_raise(vm, exit, X86_TRAP_GP, 0);
	}
	if (!write) {
		r->rax = (u32)*msr;
		r->rdx = *msr >> 32;
		return 0;
	}
	if ((s64)value != (s64)(value << 16) >> 16 && msr != &vm->cpu.efer)
		return irq_raise(vm, exit, X86_TRAP_GP, 0);
	*msr = value;
	return 0;
	/* LAB(trap): end */
}

/*
 * Is the instruction after @in a hlt?  (Not mapped: then it is not.)
 * Return 0 with *@hlt set, or 1 if the guest's tables got it killed.
 */
static int next_is_hlt(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		       const struct decoded_insn *in, u8 *hlt)
{
	u8 byte = 0;
	int err = guest_peek(vm, exit, vm->regs->rip + in->len, &byte, 1);

	*hlt = !err && byte == OPCODE_HLT;
	return err > 0;
}

/* Carry out @in; the instruction pointer has not moved yet. */
static int execute(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		   const struct decoded_insn *in)
{
	/* LAB(trap): begin */
	struct switcher_regs *r = vm->regs;
	struct ligeiro_virt_cpu *cpu = &vm->cpu;
	u64 value = 0;
	u16 port = in->port_dx ? (u16)r->rdx : in->port;
	int err;

	switch (in->op) {
	case INSN_CLI:
		irq_set_enabled(vm, false);
		return 0;
	case INSN_STI:
		/*
		 * The CPU holds interrupts back for one instruction after an
		 * sti, which makes `sti; hlt` sleep without missing one.  We
		 * keep that shadow only where it matters, before a hlt (which
		 * traps, so the shadow cannot outlive it): elsewhere a waiting
		 * interrupt could otherwise miss its chance until a cli.
		 */
		if (next_is_hlt(vm, exit, in, &cpu->sti_shadow))
			return 1;
		cpu->sti_shadow &= !irq_enabled(vm);
		irq_set_enabled(vm, true);
		return 0;
	case INSN_HLT:
		if (!irq_enabled(vm))
			return vm_kill(vm, exit, "hlt with interrupts disabled at rip 0x%llx: the guest would sleep forever",
				       r->rip);
		if (irq_halt(vm))
			return 0;
		/* A signal, no interrupt: sleep again on the next run. */
		cpu->sti_shadow = true;
		return EMUL_AGAIN;
	case INSN_MOV_FROM_CR:
		if (read_cr(cpu, in->reg, &value))
			return irq_raise(vm, exit, X86_TRAP_UD, 0);
		*vm_gpr(r, in->rm) = value;
		return 0;
	case INSN_MOV_TO_CR:
		return write_cr(vm, exit, in->reg, *vm_gpr(r, in->rm));
	case INSN_LGDT:
	case INSN_LIDT:
		return load_table(vm, exit, in);
	case INSN_SGDT:
	case INSN_SIDT:
		return store_table(vm, exit, in);
	case INSN_LTR:
		err = operand(vm, exit, in, &value, 2, GUEST_READ);
		if (err)
			return err < 0 ? irq_reflect(vm, exit) : 1;
		return load_tr(vm, exit, value);
	case INSN_STR:
	case INSN_SLDT:
	case INSN_SMSW:
		value = in->op == INSN_STR ? cpu->tr :
			in->op == INSN_SMSW ? cpu->cr0 : 0;
		err = operand(vm, exit, in, &value, in->mem ? 2 : in->size,
			      GUEST_WRITE);
		return err < 0 ? irq_reflect(vm, exit) : err;
	case INSN_INVLPG:
		shadow_invalidate(vm, operand_addr(vm, in));
		return 0;
	case INSN_RDMSR:
	case INSN_WRMSR:
		return msr(vm, exit, in->op == INSN_WRMSR);
	case INSN_IN:
		vm_set_reg(&r->rax, pc_in(vm, port, in->size), in->size);
		return 0;
	case INSN_OUT:
		return pc_out(vm, exit, port, in->size, r->rax);
	case INSN_MOV_LOAD:
	case INSN_MOV_STORE:
	case INSN_RDTSC:	/* answer_rdtsc()'s, before execute() */
	case INSN_UNKNOWN:
		break;
	}
	return -1;
	/* LAB(trap): end */
}

/* The UMIP instructions, which ring 3 may use too. */
static bool umip_insn(enum insn_op op)
{
	return op == INSN_SGDT || op == INSN_SIDT || op == INSN_SLDT ||
	       op == INSN_SMSW || op == INSN_STR;
}

/*
 * Fetch and decode the instruction at the guest's RIP.  Its first page
 * must be there (the CPU just ran it), the next may not: the instruction
 * may end before.  Return 0; -1 if it cannot be fetched or decoded, with
 * the registers as they were; 1 if the guest died.
 */
static int fetch_insn(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		      struct decoded_insn *in)
{
	u64 rip = vm->regs->rip;
	unsigned int avail = min_t(u64, INSN_MAX_LEN,
				   PAGE_SIZE - offset_in_page(rip));
	u8 code[INSN_MAX_LEN];
	int err = guest_peek(vm, exit, rip, code, avail);

	if (err)
		return err > 0 ? 1 : -1;
	if (!decode_insn(code, avail, in))
		return 0;
	/* Only an instruction that goes on past the page needs the next. */
	if (avail == INSN_MAX_LEN)
		return -1;
	err = guest_peek(vm, exit, rip + avail, code + avail, INSN_MAX_LEN - avail);
	if (err)
		return err > 0 ? 1 : -1;
	return decode_insn(code, INSN_MAX_LEN, in) ? -1 : 0;
}

/*
 * A guest restored from a save goes on with the TSC it had, not the new
 * host's, which started again at that host's boot (state.c keeps the
 * difference in @vm->tsc_offset).  Without VT-x there is no hardware
 * offset to add, so while the offset is not 0 the guest runs with
 * CR4.TSD set: its rdtsc faults, at ring 1 as at ring 3, and is answered
 * here with the host's TSC plus the offset.
 */
static int answer_rdtsc(struct ligeiro_vm *vm, const struct decoded_insn *in)
{
	struct switcher_regs *r = vm->regs;
	u64 tsc;

	if (!vm->tsc_offset)	/* CR4.TSD is clear: not why it faulted */
		return -1;
	tsc = rdtsc() + vm->tsc_offset;
	vm->stats.emulated[emul_kind[in->op]]++;
	r->rax = lower_32_bits(tsc);
	r->rdx = upper_32_bits(tsc);
	r->rip += in->len;
	return 0;
}

/**
 * emulate() - trap mode: the guest took a general-protection fault;
 * emulate the instruction.
 * @vm: the guest, stopped at the instruction.
 * @exit: filled in when the launcher must act.
 *
 * Return: 0 to re-enter the guest, 1 to return to the launcher, -1 if
 * this is no instruction of ours: the caller gives the guest its fault.
 */
int emulate(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct switcher_regs *r = vm->regs;
	struct decoded_insn in;
	u64 rip = r->rip;
	int err = fetch_insn(vm, exit, &in);

	if (err)
		return err;
	if (in.op == INSN_RDTSC)
		return answer_rdtsc(vm, &in);
	/* Ring 3 may use the UMIP ones, unless the guest turned UMIP on. */
	if (((r->cs & 3) == 3 &&
	     (!umip_insn(in.op) || vm->cpu.cr4 & X86_CR4_UMIP)) ||
	    in.op == INSN_MOV_LOAD || in.op == INSN_MOV_STORE)
		return -1;
	vm->stats.emulated[emul_kind[in.op]]++;
	/*
	 * Output waiting when the guest sleeps or ends: show it first, and
	 * run the instruction again, still in sti's shadow if it was.
	 */
	if ((in.op == INSN_HLT || (in.op == INSN_OUT &&
	     (in.port_dx ? (u16)r->rdx : in.port) == LIGEIRO_DEBUG_EXIT_PORT)) &&
	    pc_flush(vm, exit)) {
		vm->cpu.sti_shadow = in.op == INSN_HLT;
		return 1;
	}
	err = execute(vm, exit, &in);
	if (err == EMUL_AGAIN)
		return 0;
	/* A fault moved rip to the guest's handler; else step over. */
	if (err >= 0 && r->rip == rip)
		r->rip += in.len;
	return err;
}

/**
 * emulate_rdtsc() - pv mode: a general-protection fault that may be a
 * restored guest's rdtsc (answer_rdtsc()).
 *
 * Return: 0 to re-enter the guest, 1 if it died, -1 if it was no rdtsc.
 */
int emulate_rdtsc(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct decoded_insn in;
	int err = fetch_insn(vm, exit, &in);

	if (err || in.op != INSN_RDTSC)
		return err > 0 ? 1 : -1;
	return answer_rdtsc(vm, &in);
}

/**
 * emulate_mmio() - trap mode: the guest's mov touched device register
 * @gpa, which its page tables map and ours never do.
 *
 * The launcher plays the device; we decode the mov to know which register
 * and how wide, and step over it now (a read completes at the next run).
 * Return: 1 (to the launcher), or the guest was killed.
 */
int emulate_mmio(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gpa)
{
	struct switcher_regs *r = vm->regs;
	struct decoded_insn in;
	int err = fetch_insn(vm, exit, &in);
	bool write;

	if (err > 0)
		return 1;
	write = !err && in.op == INSN_MOV_STORE;
	if (err || (in.op != INSN_MOV_LOAD && !write) ||
	    operand_addr(vm, &in) != vm->cr2)
		return vm_kill(vm, exit, "device register 0x%llx touched by an instruction at 0x%llx that is not a plain mov",
			       gpa, r->rip);
	vm->stats.emulated[LIGEIRO_EMUL_MMIO]++;
	r->rip += in.len;
	return mmio_request(vm, exit, gpa, in.size, write, *vm_gpr(r, in.reg),
			    in.reg, in.size);
}
