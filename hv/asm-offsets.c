// SPDX-License-Identifier: GPL-2.0
/*
 * asm-offsets.c - where switch.S finds the fields of switcher.h's
 * structures, computed by the compiler.
 *
 * The Switcher's assembly reads and writes the per-CPU pages through
 * struct switcher_rw and struct switcher_host, and its fast path for a
 * context switch (ligeiro_fast_cr3) a few fields of struct ligeiro_vm:
 * layouts only the C compiler knows for sure.  As Linux does for its own
 * assembly, this file is compiled to assembly only, each OFFSET() leaves
 * a "->NAME value" line in it, and Kbuild turns those into
 * switcher-offsets.h, which switch.S includes: no offset is kept by hand,
 * so none can drift.
 *
 * Book: book/04-world-switch.md, "Four pages per CPU".  Read switcher.c
 * next.
 */
#include <linux/kbuild.h>

#include "vm.h"

void asm_offsets(void);

void asm_offsets(void)
{
	OFFSET(RW_NMI_PENDING, switcher_rw, nmi_pending);
	OFFSET(RW_DS, switcher_rw, segs.ds);	/* then es, fs, gs */
	OFFSET(RW_FS_BASE, switcher_rw, segs.fs_base);
	OFFSET(RW_GS_BASE, switcher_rw, segs.gs_base);
	OFFSET(RW_REGS, switcher_rw, regs);
	OFFSET(REGS_VECTOR, switcher_regs, vector);
	OFFSET(REGS_RAX, switcher_regs, rax);
	OFFSET(REGS_RIP, switcher_regs, rip);
	BLANK();
	OFFSET(HOST_RSP, switcher_host, rsp);
	OFFSET(HOST_CR3, switcher_host, cr3);
	OFFSET(HOST_CR4, switcher_host, cr4);
	OFFSET(HOST_GUEST_CR3, switcher_host, guest_cr3);
	OFFSET(HOST_GUEST_CR4, switcher_host, guest_cr4);
	OFFSET(HOST_DS, switcher_host, ds);	/* then es, fs, gs */
	OFFSET(HOST_FS_BASE, switcher_host, fs_base);
	OFFSET(HOST_GS_BASE, switcher_host, gs_base);
	OFFSET(HOST_KGS_BASE, switcher_host, kernel_gs_base);
	OFFSET(HOST_GDT, switcher_host, gdt);
	OFFSET(HOST_IDT, switcher_host, idt);
	OFFSET(HOST_GUEST_GDT, switcher_host, guest_gdt);
	OFFSET(HOST_GUEST_IDT, switcher_host, guest_idt);
	OFFSET(HOST_GDT_RW, switcher_host, gdt_rw);
	OFFSET(HOST_CPU, switcher_host, cpu);
	OFFSET(HOST_VM, switcher_host, vm);
	OFFSET(DESC_PTR_ADDRESS, desc_ptr, address);
	BLANK();
	/* ligeiro_fast_cr3: what shadow_new_cr3() reads and writes on a hit */
	OFFSET(GDT_TSS_SP1, switcher_gdt, tss.sp1);
	OFFSET(GDT_FAST_CR3, switcher_gdt, fast_cr3);
	OFFSET(VM_ROOTS, ligeiro_vm, roots);
	OFFSET(VM_NROOTS, ligeiro_vm, nroots);
	OFFSET(VM_CUR, ligeiro_vm, cur);
	OFFSET(VM_LOADS, ligeiro_vm, loads);
	OFFSET(VM_KSTACK, ligeiro_vm, kstack);
	OFFSET(VM_SHARED, ligeiro_vm, shared);
	OFFSET(VM_HCALLS_NEW_CR3, ligeiro_vm,
	       stats.hypercalls[LIGEIRO_HCALL_NEW_CR3]);
	OFFSET(VM_CR3_LOADS, ligeiro_vm, stats.cr3_loads);
	OFFSET(VM_CR3_HITS, ligeiro_vm, stats.cr3_hits);
	OFFSET(VM_CR3_FAST, ligeiro_vm, stats.cr3_fast);
	DEFINE(ROOT_SIZE, sizeof(struct shadow_root));
	OFFSET(ROOT_PML4, shadow_root, pml4);
	OFFSET(ROOT_CR3, shadow_root, cr3);
	OFFSET(ROOT_GCR3, shadow_root, gcr3);
	OFFSET(ROOT_CPU, shadow_root, cpu);
	OFFSET(ROOT_USED, shadow_root, used);
	OFFSET(SHARED_BATCH_COUNT, ligeiro_shared, batch_count);
	DEFINE(GUEST_HALF_END, LOWER_HALF_END);
}
