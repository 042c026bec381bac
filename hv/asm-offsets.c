// SPDX-License-Identifier: GPL-2.0
/*
 * asm-offsets.c - where switch.S finds the fields of switcher.h's
 * structures, computed by the compiler.
 *
 * The Switcher's assembly reads and writes the per-CPU pages through
 * struct switcher_rw and struct switcher_host, whose layout only the C
 * compiler knows for sure.  As Linux does for its own assembly, this file
 * is compiled to assembly only, each OFFSET() leaves a "->NAME value"
 * line in it, and Kbuild turns those into switcher-offsets.h, which
 * switch.S includes: no offset is kept by hand, so none can drift.
 *
 * Book: book/04-world-switch.md, "Four pages per CPU".  Read switcher.c
 * next.
 */
#include <linux/kbuild.h>

#include "switcher.h"

void asm_offsets(void);

void asm_offsets(void)
{
	OFFSET(RW_NMI_PENDING, switcher_rw, nmi_pending);
	OFFSET(RW_DS, switcher_rw, segs.ds);	/* then es, fs, gs */
	OFFSET(RW_FS_BASE, switcher_rw, segs.fs_base);
	OFFSET(RW_GS_BASE, switcher_rw, segs.gs_base);
	OFFSET(RW_REGS, switcher_rw, regs);
	OFFSET(REGS_VECTOR, switcher_regs, vector);
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
	OFFSET(DESC_PTR_ADDRESS, desc_ptr, address);
}
