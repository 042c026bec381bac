/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode.h - the few x86-64 instructions trap-and-emulate must understand.
 *
 * In trap mode the guest's kernel runs unchanged at ring 1, and each
 * privileged instruction it executes faults into the hypervisor.  The
 * fault says where, not what: decode_insn() reads the bytes at the
 * faulting RIP and names the instruction and its operands, and
 * decode_address() turns a memory operand into a linear address.  Anything
 * else is INSN_UNKNOWN, and the caller reflects the fault to the guest as
 * the CPU would have.
 *
 * The decoder is plain C with no kernel or libc calls, so the same file is
 * built into ligeiro.ko and into tests/unit/test_decode, where the
 * assembler is the oracle.  book/08-trap-and-emulate.md explains the
 * method; read decode.c, then hv/emulate.c, which carries each one out.
 * Read decode.c next.
 */
#ifndef LIGEIRO_DECODE_H
#define LIGEIRO_DECODE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
#endif

enum insn_op {
	INSN_UNKNOWN = 0,	/* not one we emulate: the caller reflects the fault */
	INSN_CLI, INSN_STI, INSN_HLT,
	INSN_MOV_FROM_CR,	/* mov %crN, %reg: reg = N, rm = the GPR */
	INSN_MOV_TO_CR,		/* mov %reg, %crN: reg = N, rm = the GPR */
	INSN_LGDT, INSN_LIDT, INSN_SGDT, INSN_SIDT,	/* memory operand only */
	INSN_LTR, INSN_STR, INSN_SLDT, INSN_SMSW,	/* register or memory */
	INSN_INVLPG,		/* memory operand only */
	INSN_RDMSR, INSN_WRMSR,
	INSN_RDTSC,		/* privileged only under CR4.TSD */
	INSN_IN, INSN_OUT,
	INSN_MOV_LOAD,		/* mov mem, %reg: reg = the GPR (a device read) */
	INSN_MOV_STORE,		/* mov %reg, mem: reg = the GPR (a device write) */
};

#define INSN_MAX_LEN	15	/* the CPU's limit, prefixes included */
#define INSN_NO_REG	(-1)
#define INSN_RIP	16	/* as a base: RIP-relative */

/* Only FS and GS have a base in 64-bit mode; the other overrides are no-ops. */
enum insn_seg { INSN_SEG_DEFAULT = 0, INSN_SEG_FS, INSN_SEG_GS };

/*
 * A decoded instruction.  GPR numbers are in encoding order: 0 = rax, 1 =
 * rcx, 2 = rdx, 3 = rbx, 4 = rsp, 5 = rbp, 6 = rsi, 7 = rdi, 8..15 = r8..r15.
 *
 * size is what the instruction reads or writes: 8 for the CR moves; 10 (a
 * 16-bit limit, then a 64-bit base) for lgdt, lidt, sgdt and sidt; 2 for
 * ltr and for sldt, str and smsw to memory; 2, 4 or 8 for sldt, str and
 * smsw to a register (0x66, none, REX.W); 1, 2 or 4 for in and out; 1, 2,
 * 4 or 8 for the movs; 0 for the rest, which have no data operand.
 */
struct decoded_insn {
	enum insn_op op;
	unsigned int len;	/* bytes, prefixes included */
	unsigned int size;	/* operand size in bytes (see above) */
	unsigned int reg;	/* ModRM.reg with REX.R: the CR number */
	bool mem;		/* the r/m operand is in memory */
	unsigned int rm;	/* the r/m register (with REX.B) when !mem */
	int base;		/* memory: GPR number, INSN_RIP or INSN_NO_REG */
	int index;		/* memory: GPR number or INSN_NO_REG */
	unsigned int scale;	/* 1, 2, 4 or 8 */
	long long disp;
	enum insn_seg seg;
	bool port_dx;		/* in/out: port in %dx, else in @port */
	unsigned int port;	/* in/out: the imm8 port */
};

int decode_insn(const unsigned char *bytes, unsigned int avail,
		struct decoded_insn *insn);
unsigned long long decode_address(const struct decoded_insn *insn,
				const unsigned long long gpr[16],
				unsigned long long next_rip,
				unsigned long long seg_base);

#endif /* LIGEIRO_DECODE_H */
