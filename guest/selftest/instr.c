// SPDX-License-Identifier: GPL-2.0
/*
 * instr.c - the cases: what a hostile kernel or process may execute, and
 * how each must end.
 *
 * At ring 1 a paravirtual kernel has no business with any privileged
 * instruction, so each one faults and the hypervisor kills the guest,
 * naming the fault and where it happened; in trap mode the same
 * instruction is a native kernel asking, and the emulator carries it
 * out, raises the fault the CPU would, or kills the guest with a reason
 * of its own.  At ring 3 every one of them is refused by the CPU and the
 * guest's own kernel gets the fault: the process dies, the VM lives.  A
 * few are legal where they run (a data segment of ring 3, sgdt without
 * UMIP, popf asking for IOPL 3), and then the case reads the state back
 * after an exit, to see that the world switch kept it.
 *
 * The cases come in families, numbered one after the other: a table of
 * single instructions (control and debug registers, descriptor tables,
 * the system-call instructions, port I/O and the rest), rdmsr and wrmsr
 * of MSRs of every kind, loads of every selector of the Switcher's GDT
 * into each data and stack segment register, far jumps, calls and
 * returns to them, and int n for all 256 vectors.  The families compute
 * their ends from what the CPU architecture says about the Switcher's
 * GDT (hv/switcher.c, setup_gdt()) and IDT (stub_gate()); the table
 * states its own.  Where the CPU's answer depends on what it has (UMIP,
 * FSGSBASE, XSAVE, rdtscp, the vendor's sysenter), CPUID decides.
 *
 * What is not run, and why: at ring 1 only the classes of int n, by
 * their edges, and of the RPLs only those that can decide; an outward
 * lret or iretq at ring 1 (to code that ring 3 may not run); in trap
 * mode a mov of a null selector to %ss, after which QEMU's TCG lets the
 * guest run as ring 0 until its next exit, and in trap mode that exit
 * does not come at once (book/04, "A known stack").
 *
 * Book: book/04-world-switch.md, "What a guest may try".  Read instr1.c
 * next.
 */
#include "kernel/usys.h"
#include "lib/abi.h"
#include "lib/lib.h"
#include "lib/x86.h"
#include "selftest/instr.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

/*
 * One stub: u64 instr_NAME(arg, arg2, exit), in %rdi, %rsi and %rdx.
 * It sets up, runs the instruction at instr_NAME_at, and returns what
 * its case checks; a trap is reported at instr_NAME_after.
 */
#define STUB_SYM	__attribute__((visibility("hidden")))	/* no GOT in PIE */
#define STUB(name, setup, insn, rest)					\
	extern STUB_SYM instr_stub instr_##name;			\
	extern STUB_SYM const char instr_##name##_at[],			\
				   instr_##name##_after[];		\
	asm(".pushsection .text\n"					\
	    "instr_" #name ":\n\t" setup "\n"				\
	    "instr_" #name "_at:\n\t" insn "\n"				\
	    "instr_" #name "_after:\n\t" rest "\n\t"			\
	    "ret\n"							\
	    ".popsection")

/* Ports a hostile kernel would like to reach.  None is the guest's. */
#define PORT_POST	0x80	/* POST codes (in the asm) */
#define PORT_SYSCTL	0x61	/* system control (in the asm) */
#define PORT_CMOS	0x70	/* CMOS index; bit 7 masks the NMI */
#define CMOS_NMI_OFF	0x80
#define PORT_KBC	0x64	/* the 8042: 0xfe pulses the reset line */
#define KBC_RESET	0xfe
#define PORT_PCI_ADDR	0xcf8	/* PCI configuration space */
#define PORT_PCI_DATA	0xcfc
#define PCI_CONFIG_ON	0x80000000
#define PORT_RESET	0xcf9	/* reset control: 6 resets the machine */
#define RESET_HARD	6

/*
 * The Switcher's GDT, slot by slot (hv/switcher.c, setup_gdt()): the
 * host kernel's code and data keep Linux's indices, the guest's user
 * segments are Linux's too, then the TSS and the guest kernel's ring-1
 * pair.  Everything else is empty, and past the end nothing is there.
 */
#define SWITCHER_GDT_ENTRIES	12	/* hv/switcher.h */
#define HOST_KERNEL_CS		0x10	/* Linux's __KERNEL_CS */
#define HOST_KERNEL_DS		0x18	/* __KERNEL_DS */
#define SWITCHER_TSS		0x40	/* hv/switcher.h: entries 8 and 9 */
#define HOST_CPUNODE_INDEX	15	/* Linux's vDSO segment: past our end */
#define SEL_TI			4	/* the LDT's, which is empty */
#define SEL_RPL			3
#define SEL_INDEX		3	/* selector >> SEL_INDEX: the slot */

#define NONCANONICAL	0x8000000000000000UL	/* no address at all */
#define CANONICAL	0x0000123456789000UL	/* a base to set and read */
#define PAST_RAM	0xfffff000UL	/* more than any test guest has */
#define IDT_LIMIT	(IDT_ENTRIES * 16 - 1)	/* 16-byte gates */
#define DR7_ALL_ENABLED	0xff	/* L0-3, G0-3: every breakpoint on */
#define XCR0_X87	1

STUB(cli, "", "cli", "");
STUB(sti, "", "sti", "cli");
STUB(hlt, "", "hlt", "");
STUB(clts, "", "clts", "");
STUB(lmsw, "", "lmsw %di", "");
STUB(invd, "", "invd", "");
STUB(wbinvd, "", "wbinvd", "");
STUB(invlpg, "", "invlpg (%rdi)", "");
STUB(swapgs, "", "swapgs", "");
STUB(rdpmc, "movl %edi, %ecx", "rdpmc", "");
STUB(rdtsc, "", "rdtsc", "");
STUB(rdtscp, "", "rdtscp", "");
STUB(xgetbv, "movl %edi, %ecx", "xgetbv", "");
STUB(xsetbv, "movl %edi, %ecx; movl %esi, %eax; xorl %edx, %edx",
	"xsetbv", "");
STUB(vmcall, "", "vmcall", "");
STUB(vmmcall, "", "vmmcall", "");
STUB(int3, "", "int3", "");
STUB(int1, "", "int1", "");
STUB(ud2, "", "ud2", "");
STUB(syscall, "", "syscall", "");
STUB(sysretq, "", "sysretq", "");
STUB(sysretl, "", "sysretl", "");
STUB(sysenter, "", "sysenter", "");
STUB(sysexitq, "", "sysexitq", "");

/* popf asking for IOPL 3 and IF 0: returns the flags it got. */
STUB(popf_iopl, "pushfq; popq %rax; movq %rax, %rcx; "
	"orq $" XSTR(RFLAGS_IOPL) ", %rax; andq $~" XSTR(RFLAGS_IF) ", %rax; "
	"pushq %rax", "popfq", "pushfq; popq %rax; pushq %rcx; popfq");
/* TF: the CPU traps after the instruction that follows the popf. */
STUB(popf_tf, "pushfq; orq $" XSTR(RFLAGS_TF) ", (%rsp)", "popfq; nop",
	"pushfq; andq $~" XSTR(RFLAGS_TF) ", (%rsp); popfq");
/* An iretq frame back to 1f, as an interrupt here would have pushed. */
#define IRET_FRAME(cs)							\
	"movq %rsp, %rcx; mov %ss, %eax; pushq %rax; pushq %rcx; pushfq; " \
	cs "; leaq 1f(%rip), %rax; pushq %rax"
/*
 * A task return, which long mode does not have: NT set, an exit (the
 * world switch must keep NT, as the CPU does across an interrupt), then
 * iretq.
 */
STUB(iret_nt, IRET_FRAME("mov %cs, %eax; pushq %rax") "; pushfq; "
	"orq $" XSTR(RFLAGS_NT) ", (%rsp); popfq; call *%rdx", "iretq; 1:",
	"pushfq; andq $~" XSTR(RFLAGS_NT) ", (%rsp); popfq");
/* iretq to here with IOPL 3 and IF 0 in the frame: the flags it got. */
STUB(iret_flags, IRET_FRAME("orq $" XSTR(RFLAGS_IOPL) ", (%rsp); "
	"andq $~" XSTR(RFLAGS_IF) ", (%rsp); mov %cs, %eax; pushq %rax"),
	"iretq; 1:", "pushfq; popq %rax");

/* Control and debug registers. */
STUB(rd_cr0, "", "movq %cr0, %rax", "");
STUB(rd_cr1, "", "movq %cr1, %rax", "");
STUB(rd_cr2, "", "movq %cr2, %rax", "");
STUB(rd_cr3, "", "movq %cr3, %rax", "");
STUB(rd_cr4, "", "movq %cr4, %rax", "");
STUB(rd_cr8, "", "movq %cr8, %rax", "");
STUB(wr_cr0, "", "movq %rdi, %cr0", "");
STUB(wr_cr1, "", "movq %rdi, %cr1", "");
STUB(wr_cr2, "", "movq %rdi, %cr2", "");
STUB(wr_cr3, "", "movq %rdi, %cr3", "");
STUB(wr_cr4, "", "movq %rdi, %cr4", "");
STUB(wr_cr8, "", "movq %rdi, %cr8", "");
STUB(rd_dr6, "", "movq %dr6, %rax", "");
STUB(rd_dr7, "", "movq %dr7, %rax", "");
STUB(wr_dr0, "", "movq %rdi, %dr0", "");
STUB(wr_dr7, "", "movq %rdi, %dr7", "");

/* Descriptor tables: a table register of limit arg2 and base arg. */
#define TABLE_REG "subq $16, %rsp; movw %si, (%rsp); movq %rdi, 2(%rsp)"
STUB(lgdt, TABLE_REG, "lgdt (%rsp)", "addq $16, %rsp");
STUB(lidt, TABLE_REG, "lidt (%rsp)", "addq $16, %rsp");
STUB(lldt, "", "lldt %di", "");
STUB(ltr, "", "ltr %di", "");
STUB(sgdt, "subq $16, %rsp", "sgdt (%rsp)",
	"movq 2(%rsp), %rax; addq $16, %rsp");
STUB(sidt, "subq $16, %rsp", "sidt (%rsp)",
	"movq 2(%rsp), %rax; addq $16, %rsp");
STUB(sldt, "", "sldt %eax", "");
STUB(str, "", "str %eax", "");
STUB(smsw, "", "smsw %eax", "");

/* Port I/O: the value in arg, the port in arg2. */
STUB(outb, "movl %esi, %edx; movl %edi, %eax", "outb %al, %dx", "");
STUB(outl, "movl %esi, %edx; movl %edi, %eax", "outl %eax, %dx", "");
STUB(inl, "movl %esi, %edx", "inl %dx, %eax", "");
STUB(outb_imm, "movl %edi, %eax", "outb %al, $" XSTR(PORT_POST), "");
STUB(inb_imm, "", "inb $" XSTR(PORT_SYSCTL) ", %al", "");
STUB(outsb, "movl %esi, %edx; pushq %rdi; movq %rsp, %rsi", "outsb",
	"popq %rdi");
STUB(insb, "movl %esi, %edx; pushq %rdi; movq %rsp, %rdi", "insb",
	"popq %rdi");

/* FS and GS bases: set arg, make an exit, read it back, put it back. */
STUB(gsbase, "pushq %rbx", "rdgsbase %rbx; wrgsbase %rdi",
	"call *%rdx; rdgsbase %rax; wrgsbase %rbx; popq %rbx");
STUB(fsbase, "pushq %rbx", "rdfsbase %rbx; wrfsbase %rdi",
	"call *%rdx; rdfsbase %rax; wrfsbase %rbx; popq %rbx");

/* What a selector's descriptor is, asked of the CPU: the flags. */
STUB(lar, "", "lar %edi, %eax", "pushfq; popq %rax");
STUB(lsl, "", "lsl %edi, %eax", "pushfq; popq %rax");
STUB(verr, "", "verr %di", "pushfq; popq %rax");
STUB(verw, "", "verw %di", "pushfq; popq %rax");

/* Load arg into a segment register, make an exit, read it back. */
#define LOAD(seg)							\
	STUB(mov_##seg, "pushq %rbx; mov %" #seg ", %ebx",		\
	     "mov %edi, %" #seg,					\
	     "call *%rdx; mov %" #seg ", %eax; mov %ebx, %" #seg "; popq %rbx")
LOAD(ds);
LOAD(es);
LOAD(fs);
LOAD(gs);
LOAD(ss);

/*
 * Far transfers to selector arg and back here; each returns %cs.  The
 * far pointer is 16:64 (REX.W), so that ring 3's code, above 4 GiB, is
 * in reach.
 */
#define FAR_PTR(to) "leaq " to "(%rip), %rax; subq $16, %rsp; "	\
	"movq %rax, (%rsp); movw %di, 8(%rsp)"
STUB(ljmp, FAR_PTR("1f"), "rex64 ljmp *(%rsp)",
	"1: addq $16, %rsp; mov %cs, %eax");
STUB(lcall, FAR_PTR("2f"), "rex64 lcall *(%rsp)",
	"jmp 1f; 2: lretq; 1: addq $16, %rsp; mov %cs, %eax");
STUB(lret, "leaq 1f(%rip), %rax; pushq %rdi; pushq %rax", "lretq; 1:",
	"mov %cs, %eax");
STUB(iret_cs, IRET_FRAME("pushq %rdi"), "iretq; 1:", "mov %cs, %eax");
/* iretq to our own %cs with %ss arg; make an exit, read %ss back. */
STUB(iret_ss, "pushq %rbx; mov %ss, %ebx; movq %rsp, %rcx; pushq %rdi; "
	"pushq %rcx; pushfq; mov %cs, %eax; pushq %rax; leaq 1f(%rip), %rax; "
	"pushq %rax", "iretq; 1:",
	"call *%rdx; mov %ss, %eax; mov %ebx, %ss; popq %rbx");

/*
 * int n, for every n: stub n, at instr_ints + n * INT_STUB_SIZE, puts
 * arg in %rax (a hypercall's or system call's number) and executes the
 * two bytes 0xcd, n (the assembler would turn int $3 into int3).
 */
#define INT_STUB_SIZE	8
#define INT_AT		3	/* past the movq */
#define INT_LEN		2
extern STUB_SYM const char instr_ints[];
asm(".pushsection .text\n"
	".balign " XSTR(INT_STUB_SIZE) "\n"
	"instr_ints:\n"
	".set instr_vector, 0\n"
	".rept " XSTR(IDT_ENTRIES) "\n"
	"movq %rdi, %rax\n"
	".byte 0xcd, instr_vector\n"
	"ret\n"
	".balign " XSTR(INT_STUB_SIZE) ", 0xcc\n"
	".set instr_vector, instr_vector + 1\n"
	".endr\n"
	".popsection");

/* What an OK case's stub must return (instr_state_ok()). */
enum { CHK_NONE, CHK_ZERO, CHK_SEL, CHK_CS, CHK_FLAGS, CHK_NOZF };

/* The CPU features some ends depend on. */
enum { COND_NONE, COND_UMIP, COND_INTEL, COND_OSXSAVE, COND_RDTSCP,
       COND_FSGSBASE };

#define OK		{ .how = INSTR_OK }
#define SKIP		{ .how = INSTR_SKIP }
#define FAULT(v, e)	{ .how = INSTR_FAULT, .vector = (v), .error = (e) }
#define TRAPS(v)	{ .how = INSTR_FAULT, .vector = (v), .after = true }
#define GP0		FAULT(T_GP, 0)
#define UD		FAULT(T_UD, 0)
#define KILLED(w)	{ .how = INSTR_KILLED, .words = (w) }
#define INT1		{ .how = INSTR_FAULT, .vector = T_DB, .after = true, \
			  .tcg_fault = true, .tcg_vector = T_UD }
/* Trap mode: the emulator raised the CPU's fault, and there is no IDT. */
#define RAISED_GP	KILLED("vector 13, before the guest loaded an IDT")
#define RAISED_UD	KILLED("vector 6, before the guest loaded an IDT")

/* A row of the table: its end at ring 1 (pv, trap) and at ring 3. */
struct row {
	const char *name;
	instr_stub *stub;
	const char *at, *after;
	u64 arg, arg2;
	u8 check, cond;
	struct instr_end pv1, trap1, ring3;
	struct instr_end otherwise;	/* everywhere, if cond does not hold */
};

#define S(stub)	instr_##stub, instr_##stub##_at, instr_##stub##_after
#define ROW(name, stub, arg, arg2, check, pv1, trap1, ring3)		\
	{ name, S(stub), arg, arg2, check, COND_NONE, pv1, trap1, ring3, OK }
#define IF(cond, name, stub, arg, arg2, check, pv1, trap1, ring3, no)	\
	{ name, S(stub), arg, arg2, check, cond, pv1, trap1, ring3, no }
/* The most common row: refused everywhere, trap mode not emulating it. */
#define NEVER(name, stub, arg)	ROW(name, stub, arg, 0, CHK_NONE, GP0, GP0, GP0)

static const struct row rows[] = {
	ROW("cli", cli, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("sti", sti, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("hlt", hlt, 0, 0, CHK_NONE, GP0,
	    KILLED("hlt with interrupts disabled"), GP0),
	NEVER("clts", clts, 0),
	NEVER("lmsw", lmsw, 0xffff),
	NEVER("invd", invd, 0),
	NEVER("wbinvd", wbinvd, 0),
	ROW("invlpg", invlpg, 0, 0, CHK_NONE, GP0, OK, GP0),
	NEVER("swapgs", swapgs, 0),
	/* CR4.PCE is off while a guest runs (hv/switcher.c) */
	NEVER("rdpmc", rdpmc, 0),
	ROW("rdtsc", rdtsc, 0, 0, CHK_NONE, OK, OK, OK),
	IF(COND_RDTSCP, "rdtscp", rdtscp, 0, 0, CHK_NONE, OK, OK, OK, UD),
	IF(COND_OSXSAVE, "xgetbv", xgetbv, 0, 0, CHK_NONE, OK, OK, OK, UD),
	IF(COND_OSXSAVE, "xsetbv", xsetbv, 0, XCR0_X87, CHK_NONE,
	   GP0, GP0, GP0, UD),
	ROW("vmcall", vmcall, 0, 0, CHK_NONE, UD, UD, UD),
	ROW("vmmcall", vmmcall, 0, 0, CHK_NONE, UD, UD, UD),
	/* ring 3 too, whatever the guest's own gate says (book/04) */
	ROW("int3", int3, 0, 0, CHK_NONE, TRAPS(T_BP), TRAPS(T_BP), TRAPS(T_BP)),
	/* QEMU 7.2 leaves int1 out (WANT_ICEBP): #UD */
	ROW("int1", int1, 0, 0, CHK_NONE, INT1, INT1, INT1),
	ROW("ud2", ud2, 0, 0, CHK_NONE, UD, UD, UD),
	/* EFER.SCE is off while a guest runs: #UD before any CPL check */
	ROW("syscall", syscall, 0, 0, CHK_NONE, UD, UD, UD),
	ROW("sysretq", sysretq, 0, 0, CHK_NONE, UD, UD, UD),
	ROW("sysretl", sysretl, 0, 0, CHK_NONE, UD, UD, UD),
	/* Intel: SYSENTER_CS is 0 while a guest runs; AMD: not in long mode */
	IF(COND_INTEL, "sysenter", sysenter, 0, 0, CHK_NONE, GP0, GP0, GP0, UD),
	IF(COND_INTEL, "sysexitq", sysexitq, 0, 0, CHK_NONE, GP0, GP0, GP0, UD),
	/* sensitive, not privileged: the CPU ignores what it may not set */
	ROW("popf IOPL 3, IF 0", popf_iopl, 0, 0, CHK_FLAGS, OK, OK, OK),
	ROW("popf TF", popf_tf, 0, 0, CHK_NONE, TRAPS(T_DB), TRAPS(T_DB),
	    TRAPS(T_DB)),
	NEVER("iretq with NT set", iret_nt, 0),
	ROW("iretq IOPL 3, IF 0", iret_flags, 0, 0, CHK_FLAGS, OK, OK, OK),

	ROW("mov %cr0, %rax", rd_cr0, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("mov %cr1, %rax", rd_cr1, 0, 0, CHK_NONE, GP0, RAISED_UD, GP0),
	ROW("mov %cr2, %rax", rd_cr2, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("mov %cr3, %rax", rd_cr3, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("mov %cr4, %rax", rd_cr4, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("mov %cr8, %rax", rd_cr8, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("mov 0 to %cr0", wr_cr0, 0, 0, CHK_NONE, GP0,
	    KILLED("would turn paging off"), GP0),
	ROW("mov to %cr1", wr_cr1, 0, 0, CHK_NONE, GP0, RAISED_UD, GP0),
	ROW("mov garbage to %cr2", wr_cr2, NONCANONICAL, 0, CHK_NONE, GP0, OK,
	    GP0),
	ROW("mov past RAM to %cr3", wr_cr3, PAST_RAM, 0, CHK_NONE, GP0,
	    KILLED("new address space: 0xfffff000 is not a page of guest memory"),
	    GP0),
	ROW("mov 0 to %cr4", wr_cr4, 0, 0, CHK_NONE, GP0,
	    KILLED("would leave long mode"), GP0),
	ROW("mov ~0 to %cr4", wr_cr4, ~0UL, 0, CHK_NONE, GP0, RAISED_GP, GP0),
	ROW("mov 16 to %cr8", wr_cr8, 16, 0, CHK_NONE, GP0, RAISED_GP, GP0),
	ROW("mov 0 to %cr8", wr_cr8, 0, 0, CHK_NONE, GP0, OK, GP0),
	NEVER("mov %dr6, %rax", rd_dr6, 0),
	NEVER("mov %dr7, %rax", rd_dr7, 0),
	NEVER("mov to %dr0", wr_dr0, 0),
	NEVER("mov every breakpoint on to %dr7", wr_dr7, DR7_ALL_ENABLED),

	ROW("lgdt of a non-canonical base", lgdt, NONCANONICAL, 0xffff,
	    CHK_NONE, GP0, RAISED_GP, GP0),
	ROW("lidt of limit 0xffff", lidt, 0, 0xffff, CHK_NONE, GP0,
	    KILLED("lidt: limit 65535, but ligeiro needs all 256 gates"), GP0),
	ROW("lidt of a non-canonical base", lidt, NONCANONICAL, IDT_LIMIT,
	    CHK_NONE, GP0, RAISED_GP, GP0),
	NEVER("lldt 0xffff", lldt, 0xffff),
	ROW("ltr of the Switcher's TSS", ltr, SWITCHER_TSS, 0, CHK_NONE, GP0,
	    RAISED_GP, GP0),
	ROW("ltr 0xffff", ltr, 0xffff, 0, CHK_NONE, GP0, RAISED_GP, GP0),
	/* with UMIP they fault, and trap mode emulates them at any ring */
	IF(COND_UMIP, "sgdt", sgdt, 0, 0, CHK_NONE, GP0, OK, GP0, OK),
	IF(COND_UMIP, "sidt", sidt, 0, 0, CHK_NONE, GP0, OK, GP0, OK),
	IF(COND_UMIP, "sldt", sldt, 0, 0, CHK_NONE, GP0, OK, GP0, OK),
	IF(COND_UMIP, "str", str, 0, 0, CHK_NONE, GP0, OK, GP0, OK),
	IF(COND_UMIP, "smsw", smsw, 0, 0, CHK_NONE, GP0, OK, GP0, OK),

	/* the TSS's I/O bitmap lies past its end: every port faults */
	ROW("outb to the POST port", outb_imm, 0, 0, CHK_NONE, GP0, OK, GP0),
	ROW("inb from the system control port", inb_imm, 0, 0, CHK_NONE,
	    GP0, OK, GP0),
	ROW("outb: NMI off at the CMOS index", outb, CMOS_NMI_OFF, PORT_CMOS,
	    CHK_NONE, GP0, OK, GP0),
	ROW("outb: the 8042's reset", outb, KBC_RESET, PORT_KBC, CHK_NONE,
	    GP0, OK, GP0),
	ROW("outb: a hard reset at 0xcf9", outb, RESET_HARD, PORT_RESET,
	    CHK_NONE, GP0, OK, GP0),
	ROW("outb 255 to isa-debug-exit", outb, 0xff, LIGEIRO_DEBUG_EXIT_PORT,
	    CHK_NONE, GP0, KILLED("isa-debug-exit: exit code 255 is above"),
	    GP0),
	ROW("outl to PCI configuration", outl, PCI_CONFIG_ON, PORT_PCI_ADDR,
	    CHK_NONE, GP0, OK, GP0),
	ROW("inl from PCI configuration", inl, 0, PORT_PCI_DATA, CHK_NONE,
	    GP0, OK, GP0),
	NEVER("outsb", outsb, 0),
	NEVER("insb", insb, 0),

	IF(COND_FSGSBASE, "wrgsbase, an exit, rdgsbase", gsbase, CANONICAL, 0,
	   CHK_SEL, OK, OK, OK, UD),
	IF(COND_FSGSBASE, "wrfsbase, an exit, rdfsbase", fsbase, CANONICAL, 0,
	   CHK_SEL, OK, OK, OK, UD),
	/* the host's kernel segments, named to the CPU: not ours to see */
	ROW("lar of the host's %cs", lar, HOST_KERNEL_CS, 0, CHK_NOZF, OK, OK, OK),
	ROW("lsl of the host's %ds", lsl, HOST_KERNEL_DS, 0, CHK_NOZF, OK, OK, OK),
	ROW("verr of the host's %cs", verr, HOST_KERNEL_CS, 0, CHK_NOZF, OK, OK, OK),
	ROW("verw of the host's %ds", verw, HOST_KERNEL_DS, 0, CHK_NOZF, OK, OK, OK),
};

/*
 * MSRs of every kind.  Ring 1 and 3 may touch none: #GP before the
 * number is even looked at.  Trap mode emulates EFER and the FS and GS
 * bases, and raises #GP for the rest; KERNEL_GS_BASE holds the host's
 * CR3 while a guest runs (book/04).  wrmsr writes @value.
 */
static const struct msr {
	const char *name;
	u32 msr;
	u64 value;
	struct instr_end rd, wr;
} msrs[] = {
	{ "TSC", 0x10, 0, RAISED_GP, RAISED_GP },
	{ "APIC_BASE", 0x1b, 0, RAISED_GP, RAISED_GP },
	{ "FEATURE_CONTROL", 0x3a, 0, RAISED_GP, RAISED_GP },
	{ "SPEC_CTRL", 0x48, 0, RAISED_GP, RAISED_GP },
	{ "PRED_CMD", 0x49, 0, RAISED_GP, RAISED_GP },
	{ "PMC0", 0xc1, 0, RAISED_GP, RAISED_GP },
	{ "SYSENTER_CS", 0x174, 0, RAISED_GP, RAISED_GP },
	{ "SYSENTER_ESP", 0x175, 0, RAISED_GP, RAISED_GP },
	{ "SYSENTER_EIP", 0x176, 0, RAISED_GP, RAISED_GP },
	{ "MCG_STATUS", 0x17a, 0, RAISED_GP, RAISED_GP },
	{ "PERFEVTSEL0", 0x186, 0, RAISED_GP, RAISED_GP },
	{ "MISC_ENABLE", 0x1a0, 0, RAISED_GP, RAISED_GP },
	{ "DEBUGCTL", 0x1d9, 0, RAISED_GP, RAISED_GP },
	{ "PAT", 0x277, 0, RAISED_GP, RAISED_GP },
	{ "MTRR_DEF_TYPE", 0x2ff, 0, RAISED_GP, RAISED_GP },
	{ "PERF_GLOBAL_CTRL", 0x38f, 0, RAISED_GP, RAISED_GP },
	{ "MC0_CTL", 0x400, 0, RAISED_GP, RAISED_GP },
	{ "X2APIC_EOI", 0x80b, 0, RAISED_GP, RAISED_GP },
	{ "X2APIC_ICR", 0x830, 0, RAISED_GP, RAISED_GP },
	{ "EFER", MSR_EFER, 0, OK, KILLED("only NXE may change under ligeiro") },
	{ "STAR", 0xc0000081, 0, RAISED_GP, RAISED_GP },
	{ "LSTAR", 0xc0000082, 0, RAISED_GP, RAISED_GP },
	{ "CSTAR", 0xc0000083, 0, RAISED_GP, RAISED_GP },
	{ "SYSCALL_MASK", 0xc0000084, 0, RAISED_GP, RAISED_GP },
	{ "FS_BASE", MSR_FS_BASE, NONCANONICAL, OK, RAISED_GP },
	{ "GS_BASE", 0xc0000101, NONCANONICAL, OK, RAISED_GP },
	{ "KERNEL_GS_BASE", 0xc0000102, 0, RAISED_GP, RAISED_GP },
	{ "TSC_AUX", 0xc0000103, 0, RAISED_GP, RAISED_GP },
	{ "no such MSR", 0x12345678, 0, RAISED_GP, RAISED_GP },
	{ "the last MSR number", 0xffffffff, 0, RAISED_GP, RAISED_GP },
};

STUB(rdmsr, "movl %edi, %ecx", "rdmsr", "");
STUB(wrmsr, "movl %edi, %ecx; movl %esi, %eax; movq %rsi, %rdx; "
	"shrq $32, %rdx", "wrmsr", "");

/* Each slot of the Switcher's GDT (see above): its kind and its DPL. */
enum { EMPTY, CODE, DATA, SYSTEM };

static const struct { u8 kind, dpl; } gdt[SWITCHER_GDT_ENTRIES] = {
	[HOST_KERNEL_CS >> SEL_INDEX] = { CODE, 0 },
	[HOST_KERNEL_DS >> SEL_INDEX] = { DATA, 0 },
	[LIGEIRO_GUEST_USER_DS >> SEL_INDEX] = { DATA, 3 },
	[LIGEIRO_GUEST_USER_CS >> SEL_INDEX] = { CODE, 3 },
	[SWITCHER_TSS >> SEL_INDEX] = { SYSTEM, 0 },
	[LIGEIRO_GUEST_KERNEL_CS >> SEL_INDEX] = { CODE, 1 },
	[LIGEIRO_GUEST_KERNEL_DS >> SEL_INDEX] = { DATA, 1 },
};

static unsigned int kind_of(u16 sel)
{
	if (sel & SEL_TI || sel >> SEL_INDEX >= SWITCHER_GDT_ENTRIES)
		return EMPTY;
	return gdt[sel >> SEL_INDEX].kind;
}

static unsigned int dpl_of(u16 sel)
{
	return gdt[sel >> SEL_INDEX].dpl;
}

static bool null_sel(u16 sel)
{
	return !(sel & ~SEL_RPL);
}

static struct instr_end gp_sel(u16 sel)
{
	return (struct instr_end)FAULT(T_GP, sel & ~SEL_RPL);
}

static unsigned int max(unsigned int a, unsigned int b)
{
	return a > b ? a : b;
}

/*
 * mov to a segment register at ring @cpl.  %ss takes only writable data
 * of exactly this ring, or in 64-bit mode the null selector with RPL =
 * CPL below ring 3; the others take the null selector, and data or
 * readable code (all of ours is) that is no more privileged than both
 * the RPL and the ring.  The same rules hold for iretq's %ss.
 */
static struct instr_end load_end(u16 sel, bool ss, unsigned int cpl)
{
	struct instr_end gp0 = GP0, ok = OK;
	unsigned int kind = kind_of(sel), rpl = sel & SEL_RPL;

	if (null_sel(sel) && ss) {
		if (cpl == 3)
			return gp0;
		gp0.tcg_ss = true;
		return rpl == cpl ? ok : gp0;
	}
	if (null_sel(sel))
		return ok;
	if (kind == EMPTY || kind == SYSTEM)
		return gp_sel(sel);
	if (ss)
		return kind == DATA && rpl == cpl && dpl_of(sel) == cpl ?
		       ok : gp_sel(sel);
	return max(cpl, rpl) <= dpl_of(sel) ? ok : gp_sel(sel);
}

/*
 * A far jump or call (@ret false) or return (true) to selector @sel at
 * ring @cpl.  No call gates in the Switcher's GDT, and long mode has no
 * task switches: only code segments, all non-conforming.  A jump stays
 * in its ring; a return may go outward, which we do not run.
 */
static struct instr_end far_end(u16 sel, bool ret, unsigned int cpl)
{
	struct instr_end gp0 = GP0, ok = OK, skip = SKIP;
	unsigned int rpl = sel & SEL_RPL;

	if (null_sel(sel))
		return gp0;
	if (kind_of(sel) != CODE)
		return gp_sel(sel);
	if (!ret)
		return rpl > cpl || dpl_of(sel) != cpl ? gp_sel(sel) : ok;
	if (rpl < cpl || dpl_of(sel) != rpl)
		return gp_sel(sel);
	return rpl > cpl ? skip : ok;
}

/*
 * int n: the Switcher's gates are DPL 0, except the hypercall's (1) and
 * int3's and int $4's (3, as on Linux, whatever the guest's own gate
 * says: book/04); the system-call gate is the guest's own once it has
 * an IDT.  A refused gate is a #GP whose error code names it: its
 * index, and bit 1 for the IDT.  QEMU 7.2's TCG counts 16-byte gates
 * there instead (fixed in later QEMU).
 */
#define IDT_ERROR(v)		((v) << SEL_INDEX | 2)
#define TCG_IDT_ERROR(v)	((v) << (SEL_INDEX + 1) | 2)

/* At ring 1, only these: every class, by its edges. */
#define LINUX_LOCAL_TIMER_VECTOR	0xec
#define LINUX_CALL_FUNCTION_SINGLE	0xfb
#define LINUX_RESCHEDULE_VECTOR		0xfd
#define LINUX_SPURIOUS_VECTOR		0xff
static const u8 ring1_vectors[] = {
	T_DE, T_DB, T_NMI, T_BP, T_OF, T_UD, T_DF, T_GP, T_PF, T_MC,
	LIGEIRO_HCALL_VECTOR - 1, LIGEIRO_HCALL_VECTOR, LIGEIRO_IRQ_VECTOR,
	LIGEIRO_IRQ_VECTOR + 1, LIGEIRO_SYSCALL_VECTOR - 1,
	LIGEIRO_SYSCALL_VECTOR, LIGEIRO_SYSCALL_VECTOR + 1,
	LINUX_LOCAL_TIMER_VECTOR, LINUX_CALL_FUNCTION_SINGLE,
	LINUX_RESCHEDULE_VECTOR, LINUX_SPURIOUS_VECTOR - 1,
	LINUX_SPURIOUS_VECTOR,
};

static bool ring1_vector(unsigned int v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ring1_vectors); i++)
		if (ring1_vectors[i] == v)
			return true;
	return false;
}

static void int_case(unsigned int v, struct instr_case *c)
{
	struct instr_end gp = FAULT(T_GP, IDT_ERROR(v)), trap = TRAPS(v);
	struct instr_end ok = OK, skip = SKIP;
	struct instr_end no_idt = KILLED(v == LIGEIRO_HCALL_VECTOR ?
		"int $0x1f before the guest loaded an IDT" :
		"int $0x80 before the guest loaded an IDT");
	bool soft = v == T_BP || v == T_OF;

	gp.tcg_fault = true;
	gp.tcg_vector = T_GP;
	gp.tcg_error = TCG_IDT_ERROR(v);
	c->name = "int";
	c->stub = (instr_stub *)(instr_ints + v * INT_STUB_SIZE);
	c->at = instr_ints + v * INT_STUB_SIZE + INT_AT;
	c->after = c->at + INT_LEN;
	c->arg = v == LIGEIRO_HCALL_VECTOR ? LIGEIRO_HCALL_NOP : SYS_GETPID;
	c->check = v == LIGEIRO_HCALL_VECTOR ? CHK_ZERO : CHK_NONE;
	c->end[INSTR_PV1] = soft ? trap : v == LIGEIRO_HCALL_VECTOR ? ok : gp;
	c->end[INSTR_TRAP1] = soft ? trap : v == LIGEIRO_HCALL_VECTOR ||
			      v == LIGEIRO_SYSCALL_VECTOR ? no_idt : gp;
	c->end[INSTR_PV3] = soft ? trap : v == LIGEIRO_SYSCALL_VECTOR ? ok : gp;
	c->end[INSTR_TRAP3] = c->end[INSTR_PV3];
	if (!ring1_vector(v))
		c->end[INSTR_PV1] = c->end[INSTR_TRAP1] = skip;
}

/*
 * Selectors for the segment registers: every slot of the GDT, one past
 * its end, Linux's vDSO segment far past it, and the (empty) LDT's
 * first, each with the RPL of the ring that loads it; and with the
 * other RPLs wherever the RPL can decide: the null selector, and the
 * slots that this ring may load with its own RPL.
 */
#define SEL_SLOTS	(SWITCHER_GDT_ENTRIES + 3)
#define SEL_COUNT	(SEL_SLOTS * 4)

static u16 sel_of(unsigned int i)
{
	unsigned int slot = i / 4, rpl = i % 4;

	if (slot == SWITCHER_GDT_ENTRIES + 1)
		return HOST_CPUNODE_INDEX << SEL_INDEX | rpl;
	if (slot == SWITCHER_GDT_ENTRIES + 2)
		return SEL_TI | rpl;
	return slot << SEL_INDEX | rpl;
}

static bool rpl_decides(u16 sel, bool ss, unsigned int cpl)
{
	u16 own = (sel & ~SEL_RPL) | cpl;

	return (sel & SEL_RPL) == cpl || null_sel(sel) ||
	       load_end(own, ss, cpl).how == INSTR_OK;
}

static const struct {
	const char *name;
	instr_stub *stub;
	const char *at, *after;
} loads[] = {
	{ "mov to %ds", S(mov_ds) }, { "mov to %es", S(mov_es) },
	{ "mov to %fs", S(mov_fs) }, { "mov to %gs", S(mov_gs) },
	{ "mov to %ss", S(mov_ss) },
};
#define LOAD_SS	4

static void load_case(unsigned int i, struct instr_case *c)
{
	unsigned int reg = i / SEL_COUNT;
	u16 sel = sel_of(i % SEL_COUNT);
	bool ss = reg == LOAD_SS;
	struct instr_end skip = SKIP;

	c->name = loads[reg].name;
	c->stub = loads[reg].stub;
	c->at = loads[reg].at;
	c->after = loads[reg].after;
	c->arg = sel;
	c->check = CHK_SEL;
	c->end[INSTR_PV1] = c->end[INSTR_TRAP1] = load_end(sel, ss, 1);
	c->end[INSTR_PV3] = c->end[INSTR_TRAP3] = load_end(sel, ss, 3);
	if (!rpl_decides(sel, ss, 1))
		c->end[INSTR_PV1] = c->end[INSTR_TRAP1] = skip;
	if (!rpl_decides(sel, ss, 3))
		c->end[INSTR_PV3] = c->end[INSTR_TRAP3] = skip;
	/* the TCG null-SS window: see the top of this file */
	if (ss && null_sel(sel))
		c->end[INSTR_TRAP1] = skip;
}

/* Far transfers: to each of these as %cs, and iretq with each as %ss. */
static const u16 far_sels[] = {
	0, 0x08, HOST_KERNEL_CS, HOST_KERNEL_CS | 3, HOST_KERNEL_DS,
	LIGEIRO_GUEST_USER_DS, LIGEIRO_GUEST_USER_CS, SWITCHER_TSS,
	SWITCHER_TSS + 8, LIGEIRO_GUEST_KERNEL_CS & ~SEL_RPL,
	LIGEIRO_GUEST_KERNEL_CS, LIGEIRO_GUEST_KERNEL_CS | 3,
	LIGEIRO_GUEST_KERNEL_DS, SWITCHER_GDT_ENTRIES << SEL_INDEX,
	HOST_CPUNODE_INDEX << SEL_INDEX | 3, SEL_TI | 3,
};
static const u16 ss_sels[] = {
	0, 1, 2, 3, HOST_KERNEL_DS, HOST_KERNEL_DS | 3, LIGEIRO_GUEST_USER_DS,
	LIGEIRO_GUEST_USER_DS & ~SEL_RPL, LIGEIRO_GUEST_USER_CS, SWITCHER_TSS,
	LIGEIRO_GUEST_KERNEL_DS & ~SEL_RPL, LIGEIRO_GUEST_KERNEL_DS,
	LIGEIRO_GUEST_KERNEL_DS | 3, SWITCHER_GDT_ENTRIES << SEL_INDEX,
};
static const struct {
	const char *name;
	instr_stub *stub;
	const char *at, *after;
	bool ret;
} fars[] = {
	{ "ljmp to", S(ljmp), false }, { "lcall to", S(lcall), false },
	{ "lret to", S(lret), true }, { "iretq to %cs", S(iret_cs), true },
};
#define FAR_COUNT	(ARRAY_SIZE(fars) * ARRAY_SIZE(far_sels))

static void far_case(unsigned int i, struct instr_case *c)
{
	if (i >= FAR_COUNT) {
		u16 sel = ss_sels[i - FAR_COUNT];

		c->name = "iretq to %ss";
		c->stub = instr_iret_ss;
		c->at = instr_iret_ss_at;
		c->after = instr_iret_ss_after;
		c->arg = sel;
		c->check = CHK_SEL;
		c->end[INSTR_PV1] = c->end[INSTR_TRAP1] = load_end(sel, true, 1);
		c->end[INSTR_PV3] = c->end[INSTR_TRAP3] = load_end(sel, true, 3);
		return;
	}
	c->name = fars[i / ARRAY_SIZE(far_sels)].name;
	c->stub = fars[i / ARRAY_SIZE(far_sels)].stub;
	c->at = fars[i / ARRAY_SIZE(far_sels)].at;
	c->after = fars[i / ARRAY_SIZE(far_sels)].after;
	c->arg = far_sels[i % ARRAY_SIZE(far_sels)];
	c->check = CHK_CS;
	c->end[INSTR_PV1] = c->end[INSTR_TRAP1] =
		far_end(c->arg, fars[i / ARRAY_SIZE(far_sels)].ret, 1);
	c->end[INSTR_PV3] = c->end[INSTR_TRAP3] =
		far_end(c->arg, fars[i / ARRAY_SIZE(far_sels)].ret, 3);
}

static void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	asm volatile("cpuid" : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]),
		     "=d" (r[3]) : "a" (leaf), "c" (sub));
}

#define CPUID_1_ECX_OSXSAVE	(1U << 27)
#define CPUID_7_EBX_FSGSBASE	(1U << 0)
#define CPUID_EXT_EDX_RDTSCP	(1U << 27)
#define INTEL_EBX		0x756e6547	/* "Genu" */

static bool cond_holds(unsigned int cond)
{
	u32 r[4];

	switch (cond) {
	case COND_UMIP:
		cpuid(CPUID_FEATURES7, 0, r);
		return r[2] & CPUID_7_ECX_UMIP;
	case COND_FSGSBASE:
		cpuid(CPUID_FEATURES7, 0, r);
		return r[1] & CPUID_7_EBX_FSGSBASE;
	case COND_INTEL:
		cpuid(CPUID_BASIC_MAX, 0, r);
		return r[1] == INTEL_EBX;
	case COND_OSXSAVE:
		cpuid(CPUID_FEATURES, 0, r);
		return r[2] & CPUID_1_ECX_OSXSAVE;
	case COND_RDTSCP:
		cpuid(CPUID_EXT_FEATURES, 0, r);
		return r[3] & CPUID_EXT_EDX_RDTSCP;
	}
	return true;
}

static void row_case(const struct row *row, struct instr_case *c)
{
	struct instr_end ok = OK;
	unsigned int m;

	c->name = row->name;
	c->stub = row->stub;
	c->at = row->at;
	c->after = row->after;
	c->arg = row->arg;
	c->arg2 = row->arg2;
	c->check = row->check;
	c->end[INSTR_PV1] = row->pv1;
	c->end[INSTR_TRAP1] = row->trap1;
	c->end[INSTR_PV3] = c->end[INSTR_TRAP3] = row->ring3;
	if (!cond_holds(row->cond)) {
		for (m = 0; m < INSTR_MODES; m++)
			c->end[m] = row->otherwise;
	} else if (row->cond == COND_UMIP) {
		c->end[INSTR_TRAP3] = ok;	/* hv/emulate.c, umip_insn() */
	}
}

static void msr_case(unsigned int i, struct instr_case *c)
{
	const struct msr *m = &msrs[i / 2];
	bool wr = i % 2;
	struct instr_end gp0 = GP0;

	c->name = wr ? "wrmsr" : "rdmsr";
	c->label = m->name;
	c->stub = wr ? instr_wrmsr : instr_rdmsr;
	c->at = wr ? instr_wrmsr_at : instr_rdmsr_at;
	c->after = wr ? instr_wrmsr_after : instr_rdmsr_after;
	c->arg = m->msr;
	c->arg2 = m->value;
	c->end[INSTR_PV1] = c->end[INSTR_PV3] = c->end[INSTR_TRAP3] = gp0;
	c->end[INSTR_TRAP1] = wr ? m->wr : m->rd;
}

#define ROW_COUNT	ARRAY_SIZE(rows)
static void row_case_n(unsigned int i, struct instr_case *c)
{
	row_case(&rows[i], c);
}

#define MSR_COUNT	(2 * ARRAY_SIZE(msrs))
#define LOAD_COUNT	(ARRAY_SIZE(loads) * SEL_COUNT)
#define FARS_COUNT	(FAR_COUNT + ARRAY_SIZE(ss_sels))

/**
 * instr_case() - case @n of them all, in the families' order.
 * @n: from 0.
 * @c: filled in.
 *
 * Return: false when there is no case @n: the count is the first such.
 */
bool instr_case(unsigned int n, struct instr_case *c)
{
	static const struct {
		unsigned int count;
		void (*make)(unsigned int i, struct instr_case *c);
	} families[] = {
		{ ROW_COUNT, row_case_n }, { MSR_COUNT, msr_case },
		{ LOAD_COUNT, load_case }, { FARS_COUNT, far_case },
		{ IDT_ENTRIES, int_case },
	};
	unsigned int f;

	memset(c, 0, sizeof(*c));
	c->label = "";
	for (f = 0; f < ARRAY_SIZE(families); n -= families[f++].count)
		if (n < families[f].count) {
			families[f].make(n, c);
			return true;
		}
	return false;
}

/**
 * instr_state_ok() - did an OK case leave what it should?
 * @c: the case.
 * @ret: what its stub returned.
 *
 * A selector read back after an exit must be the one loaded, or for a
 * null one still null: a return to an outer ring may clear its RPL.  A
 * far transfer must end in our own %cs.  popf and iretq must have left
 * IOPL at 0 and IF on.  lar and the rest must not have found the host's
 * descriptors usable from here.
 */
bool instr_state_ok(const struct instr_case *c, u64 ret)
{
	u16 cs;

	switch (c->check) {
	case CHK_ZERO:
		return !ret;
	case CHK_SEL:
		return ret == c->arg || (null_sel(c->arg) && null_sel(ret));
	case CHK_CS:
		asm("mov %%cs, %0" : "=r" (cs));
		return (u16)ret == cs;
	case CHK_FLAGS:
		return !(ret & RFLAGS_IOPL) && ret & RFLAGS_IF;
	case CHK_NOZF:
		return !(ret & RFLAGS_ZF);
	}
	return true;
}

/** instr_rip() - where the CPU reports end @e of case @c. */
u64 instr_rip(const struct instr_case *c, const struct instr_end *e)
{
	return (u64)(e->after ? c->after : c->at);
}
