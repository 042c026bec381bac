/*
 * emucheck.c - the `emucheck` program: each privileged instruction the
 * native kernel uses, once, and what it must leave behind.
 *
 * Natively the processor answers; in trap mode every one of these traps
 * and ligeiro's emulator answers instead (book/07), so the same RESULT
 * lines, with the same details, say that the emulator did what the
 * processor does: mov to and from %cr0, %cr3, %cr4, lgdt and sgdt, lidt
 * and sidt, str, smsw, rdmsr and wrmsr, in, invlpg.  It runs in the
 * kernel, after the IDT, and stops; under pv it cannot (these would kill
 * the guest), so it says so.  smsw, str, sgdt and sidt trap at ring 1
 * only with UMIP: without it they are the sensitive instructions that do
 * not trap (book/07), and are checked only where the CPU has UMIP, the
 * same way natively, so that the lines still compare.  tests/host/trap.sh runs it, and the trap
 * lab grades it (labs/trap).
 *
 * Book: book/08-trap-and-emulate.md, "The path of one instruction".  Read
 * include/virtio_spec.h next.
 */
#include "boot/layout.h"
#include "drivers/serial.h"
#include "kernel/os.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "lib/x86.h"
#include "pvops/pvops.h"

#define TEST_FS_BASE	0x0000123456789000UL

struct table_reg {
	u16 limit;
	u64 base;
} __attribute__((packed));

#define READ_CR(n) ({ u64 v; asm volatile("mov %%cr" #n ", %0" : "=r" (v)); v; })
#define WRITE_CR(n, v) asm volatile("mov %0, %%cr" #n : : "r" ((u64)(v)) : "memory")

static u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
	return (u64)hi << 32 | lo;
}

static void wrmsr(u32 msr, u64 value)
{
	asm volatile("wrmsr" : : "c" (msr), "a" ((u32)value),
		     "d" ((u32)(value >> 32)) : "memory");
}

static void check(bool ok, const char *name, const char *what)
{
	if (ok)
		result_pass(name, "%s", what);
	else
		result_fail(name, "%s: not so", what);
}

/* The UMIP instructions: emulated only when they trap (see above). */
static bool umip_skipped(const char *name)
{
	if (cpu_has_umip())
		return false;
	result_pass(name, "skipped: without UMIP it does not trap at ring 1");
	return true;
}

static void control_registers(void)
{
	u64 cr0 = READ_CR(0), cr3 = READ_CR(3), cr4 = READ_CR(4), seen;
	u16 msw;

	check((cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG), "emu.cr0",
	      "protected mode and paging on");
	WRITE_CR(4, cr4 ^ CR4_TSD);
	seen = READ_CR(4);
	WRITE_CR(4, cr4);
	check(seen == (cr4 ^ CR4_TSD) && READ_CR(4) == cr4, "emu.cr4",
	      "a bit flipped reads back flipped, then restored");
	WRITE_CR(3, cr3);
	check(READ_CR(3) == cr3, "emu.cr3", "the tables reloaded read back");
	if (!umip_skipped("emu.smsw")) {
		asm volatile("smsw %0" : "=r" (msw));
		check(msw == (u16)cr0, "emu.smsw", "the low word of cr0");
	}
}

static void descriptor_tables(void)
{
	struct table_reg gdt, idt, seen;
	u16 tr;

	if (umip_skipped("emu.gdt") + umip_skipped("emu.idt") +
	    umip_skipped("emu.tr"))
		return;
	asm volatile("sgdt %0" : "=m" (gdt));
	asm volatile("lgdt %0" : : "m" (gdt));
	asm volatile("sgdt %0" : "=m" (seen));
	check(seen.base == gdt.base && seen.limit == gdt.limit, "emu.gdt",
	      "sgdt gives back what lgdt loaded");
	asm volatile("sidt %0" : "=m" (idt));
	asm volatile("lidt %0" : : "m" (idt));
	asm volatile("sidt %0" : "=m" (seen));
	check(seen.base == idt.base && seen.limit == idt.limit, "emu.idt",
	      "sidt gives back what lidt loaded");
	asm volatile("str %0" : "=r" (tr));
	check(tr == TSS_SELECTOR, "emu.tr", "str gives the kernel's TSS");
}

static void msrs_ports_tlb(void)
{
	u64 efer = rdmsr(MSR_EFER), fs = rdmsr(MSR_FS_BASE);
	volatile u64 *probe = (volatile u64 *)&efer;
	u64 before;
	u8 lsr;

	check((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
	      "emu.efer", "long mode enabled and active");
	wrmsr(MSR_FS_BASE, TEST_FS_BASE);
	check(rdmsr(MSR_FS_BASE) == TEST_FS_BASE, "emu.fs_base",
	      "wrmsr then rdmsr of the FS base");
	wrmsr(MSR_FS_BASE, fs);
	asm volatile("inb %w1, %0" : "=a" (lsr) : "Nd" (COM1_PORT + UART_LSR));
	check(lsr & UART_LSR_THRE, "emu.in", "COM1 is ready to send");
	before = *probe;
	asm volatile("invlpg (%0)" : : "r" (probe) : "memory");
	check(*probe == before, "emu.invlpg", "a page still reads the same");
}

/** emucheck_run() - the `emucheck` program; never returns. */
void emucheck_run(void)
{
	if (guest_mode == GUEST_PV) {
		printf("emucheck: natively or in trap mode only\n");
		result_finish();
	}
	control_registers();
	descriptor_tables();
	msrs_ports_tlb();
	result_finish();
}
