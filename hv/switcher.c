// SPDX-License-Identifier: GPL-2.0
/*
 * switcher.c - the C half of the world switch.
 *
 * switch.S does what only assembly can; this file does the rest:
 *
 *  - at module load, it builds the Switcher's pages: for each CPU an IDT
 *    whose every gate leads to a stub in switch.S, a GDT with a TSS, a
 *    trap page and a host page (switcher.h);
 *  - for each guest, it maps the Switcher into the upper half of the
 *    guest's page tables, at the addresses the host uses too;
 *  - for each run, with interrupts off, it records the host state that
 *    switch.S restores on the way back, turns off the MSRs that would let
 *    the guest into the host's syscall entry, lends the guest this CPU's
 *    pages and its own system-call gate, switches, and on the way back
 *    reloads the host's TSS and gives any interrupt that arrived in the
 *    guest back to Linux (replay.S).
 *
 * Book: book/04-world-switch.md.  Read switch.S next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/user-return-notifier.h>
#include <linux/vmalloc.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/idtentry.h>
#include <asm/mce.h>
#include <asm/pkru.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "vm.h"

/* replay() relies on Linux keeping vector 0x80 free of devices. */
#ifndef CONFIG_IA32_EMULATION
#error "ligeiro needs CONFIG_IA32_EMULATION, which reserves vector 0x80"
#endif
static_assert(LIGEIRO_SYSCALL_VECTOR == IA32_SYSCALL_VECTOR);

/* Guest-side page protections: supervisor-only, and nothing W+X. */
#define MAP_TEXT	(_PAGE_PRESENT | _PAGE_ACCESSED)
#define MAP_RO		(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define MAP_RW		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
			 _PAGE_DIRTY | _PAGE_NX)

/*
 * CR4 bits that must be off while the guest runs (book chapter 4); PCE
 * too, or rdpmc would read the host's performance counters from ring 3.
 * TSD is the guest's own: the launcher's (prctl(PR_SET_TSC)) is not.
 */
#define GUEST_CR4_OFF	(X86_CR4_PGE | X86_CR4_SMEP | X86_CR4_SMAP | \
			 X86_CR4_PKE | X86_CR4_PCE | X86_CR4_TSD)

static struct page **pages;
static unsigned int npages;
static void *region;		/* all of them, mapped in the host */

/*
 * Linux sets EFER and SYSENTER_CS once per CPU at boot, the same on every
 * CPU, and never changes them: read them once, as KVM reads its host_efer.
 */
static u64 host_efer, host_sysenter_cs;

/*
 * EFER.SCE off and SYSENTER_CS 0 make a guest's syscall and sysenter
 * fault instead of entering Linux.  Only user mode can execute either,
 * so Linux itself runs fine with them so: a lazy VM leaves them so from
 * its first entry on a CPU until that CPU next returns to user mode,
 * where a user-return notifier (KVM's device for its user-return MSRs)
 * puts Linux's values back.  @guest: they are the guest's on this CPU.
 */
struct host_msrs {
	struct user_return_notifier urn;
	bool guest;
};
static DEFINE_PER_CPU(struct host_msrs, host_msrs);

static void host_msrs_back(struct user_return_notifier *urn)
{
	struct host_msrs *m = container_of(urn, struct host_msrs, urn);
	unsigned long flags;

	local_irq_save(flags);
	if (m->guest) {
		m->guest = false;
		user_return_notifier_unregister(urn);
	}
	wrmsrl(MSR_IA32_SYSENTER_CS, host_sysenter_cs);
	wrmsrl(MSR_EFER, host_efer);
	local_irq_restore(flags);
}

static void guest_msrs(bool lazy)
{
	struct host_msrs *m = this_cpu_ptr(&host_msrs);

	if (m->guest)
		return;
	wrmsrl(MSR_EFER, host_efer & ~EFER_SCE);
	wrmsrl(MSR_IA32_SYSENTER_CS, 0);
	if (lazy) {
		m->urn.on_user_return = host_msrs_back;
		user_return_notifier_register(&m->urn);
		m->guest = true;
	}
}

/* Module unload: no notifier of ours may stay behind on any CPU. */
static void host_msrs_drop(void *unused)
{
	struct host_msrs *m = this_cpu_ptr(&host_msrs);

	if (m->guest)
		host_msrs_back(&m->urn);
}

static void *slot(int cpu, int which)
{
	return region + (cpu * SLOT_PAGES + which) * PAGE_SIZE;
}

/*
 * A flat 64-bit segment descriptor: base 0, limit 0xfffff, and the
 * access byte and flag nibble packed as GDT_ENTRY_INIT() takes them.
 */
#define SEG(flags)	(0x000f00000000ffffULL | \
			 (u64)((flags) & 0xff) << 40 | (u64)((flags) >> 12) << 52)

/* The guest's GDT: Linux's kernel segments at their usual indices. */
static void setup_gdt(struct switcher_gdt *g, struct switcher_rw *rw, int cpu)
{
	/* accessed bits preset: the CPU must never write this page */
	static const u64 init[SWITCHER_GDT_ENTRIES] = {
		[GDT_ENTRY_KERNEL_CS]		= SEG(0xa09b),	/* ring 0 code */
		[GDT_ENTRY_KERNEL_DS]		= SEG(0xc093),	/* ring 0 data */
		[LIGEIRO_GUEST_USER_DS >> 3]	= SEG(0xc0f3),	/* ring 3 data */
		[LIGEIRO_GUEST_USER_CS >> 3]	= SEG(0xa0fb),	/* ring 3 code */
		[LIGEIRO_GUEST_KERNEL_CS >> 3]	= SEG(0xa0bb),	/* ring 1 code */
		[LIGEIRO_GUEST_KERNEL_DS >> 3]	= SEG(0xc0b3),	/* ring 1 data */
	};
	struct x86_hw_tss *host_tss = &per_cpu(cpu_tss_rw, cpu).x86_tss;

	BUILD_BUG_ON(sizeof(init) != sizeof(g->gdt));
	memcpy(g->gdt, init, sizeof(init));
	set_tssldt_descriptor(&g->gdt[SWITCHER_TSS_ENTRY],
			      (unsigned long)&g->tss, DESC_TSS,
			      sizeof(g->tss) - 1);
	/* A trap from ring 1 or 3 lands just above the register block. */
	g->tss.sp0 = (unsigned long)(&rw->regs + 1);
	/*
	 * Our exit gates use one IST slot, SWITCHER_IST_EXIT, set below.
	 * The others are the host's: between restoring the host's IDT and
	 * its TSS an NMI would take the host's NMI gate with our TSS in TR.
	 */
	memcpy(g->tss.ist, host_tss->ist, sizeof(g->tss.ist));
	g->tss.ist[SWITCHER_IST_EXIT - 1] = g->tss.sp0;
	/* An I/O bitmap offset past the limit: every in/out faults. */
	g->tss.io_bitmap_base = sizeof(g->tss);
}

/* Gate @v of our IDT: into switch.S's stub for @v. */
static void stub_gate(gate_desc *g, int v)
{
	unsigned long stub = (unsigned long)ligeiro_stubs +
			     v * SWITCHER_STUB_SIZE;
	/*
	 * Only the guest kernel may make a hypercall; int3 and `int $4`
	 * work from anywhere, as on Linux (`into` itself is invalid in
	 * 64-bit mode); any other `int n` from the guest is a #GP, so an
	 * exit on an interrupt vector is always a real interrupt.
	 */
	int dpl = v == LIGEIRO_HCALL_VECTOR ? 1 :
		  v == X86_TRAP_BP || v == X86_TRAP_OF ? 3 : 0;
	/*
	 * An NMI or a machine check may also hit the Switcher itself, where
	 * a fresh stack would land on the frame being built: those two keep
	 * the stack they find (ligeiro_nmi copes with either).
	 */
	int ist = v == X86_TRAP_NMI || v == X86_TRAP_MC ? 0 : SWITCHER_IST_EXIT;

	pack_gate(g, GATE_INTERRUPT, stub, dpl, ist, __KERNEL_CS);
}

static void setup_idt(gate_desc *idt)
{
	int v;

	for (v = 0; v < IDT_ENTRIES; v++)
		stub_gate(&idt[v], v);
}

/** switcher_init() - build the Switcher's pages; called at module load. */
int switcher_init(void)
{
	unsigned int i;
	int cpu;

	BUILD_BUG_ON(offsetof(struct switcher_rw, segs.gs) !=
		     offsetof(struct switcher_rw, segs.ds) + 24);
	BUILD_BUG_ON(offsetof(struct switcher_host, gs) !=
		     offsetof(struct switcher_host, ds) + 24);
	BUILD_BUG_ON(sizeof(struct switcher_rw) != PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct switcher_gdt) > PAGE_SIZE);
	BUILD_BUG_ON(IDT_ENTRIES * sizeof(gate_desc) != PAGE_SIZE);
	BUILD_BUG_ON(LIGEIRO_HCALL_VECTOR >= FIRST_EXTERNAL_VECTOR);
	BUILD_BUG_ON(IST_INDEX_VC + 1 >= SWITCHER_IST_EXIT);	/* Linux's last */
	BUILD_BUG_ON(SWITCHER_ERROR_CODE_VECTORS !=
		     (BIT(X86_TRAP_DF) | BIT(X86_TRAP_TS) | BIT(X86_TRAP_NP) |
		      BIT(X86_TRAP_SS) | BIT(X86_TRAP_GP) | BIT(X86_TRAP_PF) |
		      BIT(X86_TRAP_AC) | BIT(X86_TRAP_CP) | BIT(X86_TRAP_VC) |
		      BIT(30)));	/* #SX, which Linux does not name */
	BUILD_BUG_ON(SLOT_RW != SLOT_IDT + 1);	/* ligeiro_nmi counts on it */

	rdmsrl(MSR_EFER, host_efer);
	rdmsrl(MSR_IA32_SYSENTER_CS, host_sysenter_cs);
	npages = nr_cpu_ids * SLOT_PAGES;
	pages = kcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i])
			goto fail;
	}
	region = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	if (!region)
		goto fail;

	for_each_possible_cpu(cpu) {
		struct switcher_gdt *g = slot(cpu, SLOT_GDT);
		struct switcher_host *host = slot(cpu, SLOT_HOST);

		setup_gdt(g, slot(cpu, SLOT_RW), cpu);
		host->cpu = cpu;
		setup_idt(slot(cpu, SLOT_IDT));
		host->guest_gdt.size = sizeof(g->gdt) - 1;
		host->guest_gdt.address = (unsigned long)g->gdt;
		host->guest_idt.size = IDT_ENTRIES * sizeof(gate_desc) - 1;
		host->guest_idt.address = (unsigned long)slot(cpu, SLOT_IDT);
		host->gdt_rw.size = GDT_SIZE - 1;
		host->gdt_rw.address = (unsigned long)get_cpu_gdt_rw(cpu);
	}
	return 0;
fail:
	switcher_exit();
	return -ENOMEM;
}

/** switcher_exit() - free what switcher_init() built. */
void switcher_exit(void)
{
	unsigned int i;

	on_each_cpu(host_msrs_drop, NULL, 1);
	if (region)
		vunmap(region);
	for (i = 0; pages && i < npages; i++)
		if (pages[i])
			__free_page(pages[i]);
	kfree(pages);
	pages = NULL;
	region = NULL;
}

/** switcher_guest_addr() - a read-only Switcher page every guest sees. */
unsigned long switcher_guest_addr(void)
{
	return (unsigned long)ligeiro_switcher_start;
}

/**
 * switcher_map() - put the Switcher into a guest's upper half.
 * @root: the guest's PML4.
 *
 * The text is mapped now.  Each CPU's GDT, IDT and trap page get their
 * tables now but their entries only when the guest runs on that CPU
 * (switcher_map_cpu()), so no guest ever sees another's registers, and
 * switching CPUs with interrupts off needs no allocation.
 *
 * Return: 0 or -ENOMEM.
 */
int switcher_map(u64 *root)
{
	unsigned long va, tables = 0;	/* as many for every root */
	int cpu, err, which;

	for (va = (unsigned long)ligeiro_switcher_start;
	     va < (unsigned long)ligeiro_switcher_end; va += PAGE_SIZE) {
		err = pt_map(root, va, page_to_pfn(vmalloc_to_page((void *)va)),
			     MAP_TEXT, &tables);
		if (err)
			return err;
	}
	for_each_possible_cpu(cpu) {
		for (which = SLOT_GDT; which <= SLOT_RW; which++)
			if (!pt_entry(root, (unsigned long)slot(cpu, which),
				      &tables))
				return -ENOMEM;
	}
	return 0;
}

static unsigned long slot_pfn(int cpu, int which)
{
	return page_to_pfn(pages[cpu * SLOT_PAGES + which]);
}

/*
 * Lend this CPU's Switcher pages to root @r, taking back the last CPU's.
 * At the rw slot's address the guest finds not the CPU's rw page but its
 * own (vm->rw): the exit path pushes the guest's registers straight into
 * the VM, where every handler finds them, and the next entry pops them
 * from there.  Nothing is copied, and no guest ever sees another's.
 */
static void switcher_map_cpu(struct ligeiro_vm *vm, struct shadow_root *r,
			     int cpu)
{
	static const u64 prot[] = {
		[SLOT_GDT] = MAP_RO, [SLOT_IDT] = MAP_RO, [SLOT_RW] = MAP_RW,
	};
	unsigned long pfn;
	int which;

	for (which = SLOT_GDT; which <= SLOT_RW; which++) {
		if (r->cpu >= 0)
			*pt_entry(r->pml4, (unsigned long)slot(r->cpu, which),
				  NULL) = 0;
		pfn = which == SLOT_RW ? PHYS_PFN(__pa(vm->rw)) :
					 slot_pfn(cpu, which);
		*pt_entry(r->pml4, (unsigned long)slot(cpu, which), NULL) =
			((u64)pfn << PAGE_SHIFT) | prot[which];
	}
	r->cpu = cpu;
}

/*
 * The parts of this CPU's tables that belong to the guest: the stack
 * for traps from ring 3 and the direct system-call gate.
 */
static void lend_cpu(struct ligeiro_vm *vm, struct switcher_gdt *g,
		     gate_desc *idt)
{
	gate_desc *g80 = &idt[LIGEIRO_SYSCALL_VECTOR];

	g->tss.sp1 = vm->kstack;
	g->fast_cr3 = vm->fast_cr3;
	if (vm->syscall_gate.bits.p) {
		*g80 = vm->syscall_gate;
	} else {
		/* not another guest's; trap mode's int $0x80 must reach us */
		stub_gate(g80, LIGEIRO_SYSCALL_VECTOR);
		if (vm->mode == LIGEIRO_MODE_TRAP)
			g80->bits.dpl = 3;
	}
}

/*
 * Whether this CPU's host page still holds what save_host() would read.
 * Apart from CR3 and CR4, which it reads every time, that is the state
 * of this task on this CPU: its selectors, FS and user GS bases, and the
 * CPU's GDT, IDT and GS base.  None of it can change while the task is
 * inside one LIGEIRO_RUN, even if it sleeps or moves between CPUs: Linux
 * gives a task back the same state.  What can happen is that another
 * task's run uses this CPU's host page meanwhile.  So each run gets a
 * number of its own (switcher_new_run()), and the page remembers the
 * number of the run that filled it.
 */
static atomic64_t runs;

void switcher_new_run(struct ligeiro_vm *vm)
{
	vm->run = atomic64_inc_return(&runs);
}

static bool host_unchanged(struct switcher_host *host, struct ligeiro_vm *vm)
{
	if (host->run == vm->run)
		return true;
	host->run = vm->run;
	return false;
}

/*
 * The host state switch.S restores on the way back, read now in C; a
 * lazy VM reads only CR3 and CR4 again while the rest is unchanged.
 */
static void save_host(struct switcher_host *host, struct ligeiro_vm *vm)
{
	host->cr3 = __native_read_cr3();
	host->cr4 = __read_cr4();
	host->guest_cr3 = vm->cur->cr3;
	host->guest_cr4 = host->cr4 & ~GUEST_CR4_OFF;
	if (vm->tsc_offset)	/* the guest's rdtsc traps (answer_rdtsc()) */
		host->guest_cr4 |= X86_CR4_TSD;
	if (host_unchanged(host, vm) && vm->lazy_host)
		return;
	native_store_gdt(&host->gdt);
	store_idt(&host->idt);
	savesegment(ds, host->ds);
	savesegment(es, host->es);
	savesegment(fs, host->fs);
	savesegment(gs, host->gs);
	rdmsrl(MSR_FS_BASE, host->fs_base);
	rdmsrl(MSR_GS_BASE, host->gs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, host->kernel_gs_base);
}

/* Hand an interrupt or NMI that arrived in the guest back to Linux. */
static void replay(struct switcher_host *host, bool nmi, u64 vector)
{
	if (vector == X86_TRAP_NMI || nmi)
		ligeiro_replay((unsigned long)asm_exc_nmi_noist);
	if (vector == X86_TRAP_MC) {
		/* As KVM does: tell the machine-check handler it was not us. */
		struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };

		do_machine_check(&regs);
	}
	/*
	 * Linux keeps vector 0x80 (IA32_SYSCALL_VECTOR) from devices, so an
	 * exit on it is trap mode's guest executing int $0x80, not an IRQ.
	 */
	if (vector >= FIRST_EXTERNAL_VECTOR && vector != IA32_SYSCALL_VECTOR) {
		gate_desc *idt = (gate_desc *)host->idt.address;

		ligeiro_replay(gate_offset(&idt[vector]));
	}
}

/**
 * switcher_run() - run the guest until its next exit.
 * @vm: the guest; its registers go in from @vm->regs and come back there
 *	(its own rw page: switcher_map_cpu()).
 *
 * Called with interrupts off (run.c turns them off before its last look
 * at what is pending); they stay off until Linux has had back every
 * interrupt that arrived meanwhile, so neither preemption nor migration
 * can split a switch in two.
 */
void switcher_run(struct ligeiro_vm *vm)
{
	struct switcher_gdt *g;
	struct switcher_rw *rw;
	struct switcher_host *host;
	bool host_breakpoints, nmi;
	u32 host_pkru;
	int cpu;

	lockdep_assert_irqs_disabled();
	/* The guest's FPU state is in the thread's FPU (run.c): load it. */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	cpu = smp_processor_id();
	g = slot(cpu, SLOT_GDT);
	rw = slot(cpu, SLOT_RW);
	host = slot(cpu, SLOT_HOST);
	if (vm->cur->cpu != cpu)
		switcher_map_cpu(vm, vm->cur, cpu);
	lend_cpu(vm, g, slot(cpu, SLOT_IDT));
	g->gdt[SWITCHER_TSS_ENTRY].type = DESC_TSS;	/* not busy: ltr */
	save_host(host, vm);
	host->vm = vm;		/* for ligeiro_fast_cr3 */

	/* Guest syscall/sysenter must fault, not enter Linux's entry code. */
	guest_msrs(vm->lazy_host);
	/*
	 * The host's hardware breakpoints (perf, gdb) are for the host: one
	 * on the Switcher would fire on its own exit path, one on a user
	 * address on the guest's own use of that address.  KVM does the same.
	 */
	host_breakpoints = hw_breakpoint_active();
	if (host_breakpoints)
		set_debugreg(0, 7);
	/*
	 * PKRU is user state that the kernel does not switch with the rest
	 * of the FPU: whatever the guest leaves in it (xrstor can load it at
	 * any ring) would guard the launcher's own memory.  Keep the two.
	 */
	host_pkru = read_pkru();
	write_pkru(vm->pkru);

	ligeiro_switch(rw);

	vm->pkru = read_pkru();
	write_pkru(host_pkru);
	if (host_breakpoints)
		hw_breakpoint_restore();
	else if (vm->regs->vector == X86_TRAP_DB)
		set_debugreg(DR6_RESERVED, 6);	/* the guest's #DB, not ours */
	if (!vm->lazy_host)	/* and forget a lazy VM's notifier, if any */
		host_msrs_back(&this_cpu_ptr(&host_msrs)->urn);

	if (vm->regs->vector == X86_TRAP_PF)
		vm->cr2 = native_read_cr2();
	/*
	 * An NMI that hit the Switcher itself marked the rw page mapped at
	 * the time: the VM's under the guest's CR3, this CPU's under ours.
	 */
	nmi = rw->nmi_pending || vm->rw->nmi_pending;
	rw->nmi_pending = vm->rw->nmi_pending = 0;
	/* most exits are the guest's own: nothing of Linux's to hand back */
	if (vm->regs->vector >= FIRST_EXTERNAL_VECTOR ||
	    vm->regs->vector == X86_TRAP_NMI || vm->regs->vector == X86_TRAP_MC ||
	    nmi)
		replay(host, nmi, vm->regs->vector);
	local_irq_enable();
}
