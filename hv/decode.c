// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - from the bytes at a faulting RIP to a struct decoded_insn.
 *
 * Trap-and-emulate needs to recognise a dozen privileged instructions,
 * not all of x86, so this is not a general decoder: it reads prefixes,
 * an opcode and, where there is one, a ModRM operand, and gives up on
 * anything else.  Giving up is always safe: the caller then reflects the
 * fault to the guest, which is what the CPU would have done had we not
 * been there.  A wrong guess is not safe, so every form the CPU would
 * read differently from us - an address-size prefix, a lock prefix - is
 * refused rather than approximated.
 *
 * Only 64-bit mode is handled: the guest's kernel never runs in another.
 * book/08-trap-and-emulate.md explains the method.  emulate.c carries
 * out what this file decodes.  Read emulate.c next.
 */
#include "decode.h"

#define REX_W	8	/* 64-bit operand size */
#define REX_R	4	/* extends ModRM.reg */
#define REX_X	2	/* extends SIB.index */
#define REX_B	1	/* extends ModRM.rm, SIB.base */

/* The bytes we may read: never past @avail, never past INSN_MAX_LEN. */
struct cursor {
	const unsigned char *code;
	unsigned int end;
	unsigned int pos;
};

/* The next @n bytes (1 or 4) as a little-endian number; -1 if cut short. */
static int fetch(struct cursor *c, unsigned int n, unsigned int *val)
{
	unsigned int i;

	if (c->end - c->pos < n)
		return -1;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (unsigned int)c->code[c->pos++] << (8 * i);
	return 0;
}

/*
 * Legacy prefixes.  Lock and address size are not among them: they reach
 * the opcode switch as unknown opcodes, and are refused there.
 */
static bool legacy_prefix(unsigned int b, bool *opsize, enum insn_seg *seg)
{
	switch (b) {
	case 0x66:
		*opsize = true;
		return true;
	case 0x64:
		*seg = INSN_SEG_FS;
		return true;
	case 0x65:
		*seg = INSN_SEG_GS;
		return true;
	case 0xf2: case 0xf3:			/* rep: meaningless here */
	case 0x2e: case 0x36: case 0x3e: case 0x26: /* no base in 64-bit */
		return true;
	}
	return false;
}

/*
 * The r/m operand of @modrm, reading any SIB and displacement after it.
 * The special cases test the low three bits only, before REX.B is added:
 * the CPU does the same, so r12 as a base needs a SIB and r13 with mod 00
 * needs a displacement.
 */
static int operand(struct cursor *c, unsigned int modrm, unsigned int rex,
		   struct decoded_insn *insn)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7, sib, val;

	insn->reg = (modrm >> 3 & 7) | (rex & REX_R ? 8 : 0);
	if (mod == 3) {
		insn->rm = rm | (rex & REX_B ? 8 : 0);
		return 0;
	}
	insn->mem = true;
	if (rm == 4) {
		if (fetch(c, 1, &sib))
			return -1;
		insn->scale = 1u << (sib >> 6);
		insn->index = (sib >> 3 & 7) | (rex & REX_X ? 8 : 0);
		if (insn->index == 4)		/* %rsp cannot be an index */
			insn->index = INSN_NO_REG;
		rm = sib & 7;
		if (rm == 5 && mod == 0)	/* no base, a disp32 */
			mod = 2;
		else
			insn->base = rm | (rex & REX_B ? 8 : 0);
	} else if (rm == 5 && mod == 0) {
		insn->base = INSN_RIP;
		mod = 2;
	} else {
		insn->base = rm | (rex & REX_B ? 8 : 0);
	}
	if (mod == 1) {
		if (fetch(c, 1, &val))
			return -1;
		insn->disp = (signed char)val;	/* sign-extended */
	} else if (mod == 2) {
		if (fetch(c, 4, &val))
			return -1;
		insn->disp = (int)val;		/* sign-extended */
	}
	return 0;
}

/* 0F 00 and 0F 01: the opcode is completed by ModRM.reg, without REX.R. */
static enum insn_op group(unsigned int opcode, const struct decoded_insn *insn)
{
	static const enum insn_op
		grp6[8] = { INSN_SLDT, INSN_STR, INSN_UNKNOWN, INSN_LTR },
		grp7[8] = { INSN_SGDT, INSN_SIDT, INSN_LGDT, INSN_LIDT,
			    INSN_SMSW, INSN_UNKNOWN, INSN_UNKNOWN,
			    INSN_INVLPG };

	if (opcode == 0x00)
		return grp6[insn->reg & 7];
	/* With mod 3, 0F 01 is swapgs, rdtscp, monitor...: only smsw is ours */
	if (!insn->mem && (insn->reg & 7) != 4)
		return INSN_UNKNOWN;
	return grp7[insn->reg & 7];
}

/* Everything after 0x0F. */
static int two_byte(struct cursor *c, unsigned int rex, bool opsize,
		    struct decoded_insn *insn)
{
	unsigned int opcode, modrm;

	if (fetch(c, 1, &opcode))
		return -1;
	switch (opcode) {
	case 0x30:
		insn->op = INSN_WRMSR;
		return 0;
	case 0x31:
		insn->op = INSN_RDTSC;
		return 0;
	case 0x32:
		insn->op = INSN_RDMSR;
		return 0;
	case 0x20:
	case 0x22:
		/* The CPU ignores mod: always a register, no SIB, no disp. */
		if (fetch(c, 1, &modrm))
			return -1;
		insn->op = opcode == 0x20 ? INSN_MOV_FROM_CR : INSN_MOV_TO_CR;
		insn->reg = (modrm >> 3 & 7) | (rex & REX_R ? 8 : 0);
		insn->rm = (modrm & 7) | (rex & REX_B ? 8 : 0);
		insn->size = 8;
		return 0;
	case 0x00:
	case 0x01:
		if (fetch(c, 1, &modrm) || operand(c, modrm, rex, insn))
			return -1;
		insn->op = group(opcode, insn);
		break;
	default:
		return -1;
	}

	switch (insn->op) {
	case INSN_LGDT: case INSN_LIDT: case INSN_SGDT: case INSN_SIDT:
		insn->size = 10;		/* limit, then a 64-bit base */
		return 0;
	case INSN_STR: case INSN_SLDT: case INSN_SMSW:
		/* A word to memory; into a register, REX.W before 0x66. */
		insn->size = insn->mem ? 2 : rex & REX_W ? 8 : opsize ? 2 : 4;
		return 0;
	case INSN_LTR:
		insn->size = 2;
		return 0;
	case INSN_INVLPG:
		return 0;
	default:
		return -1;
	}
}

/* The opcode @b, after the prefixes. */
static int decode_opcode(struct cursor *c, unsigned int b, unsigned int rex,
			 bool opsize, struct decoded_insn *insn)
{
	unsigned int modrm;

	switch (b) {
	case 0xfa:
		insn->op = INSN_CLI;
		return 0;
	case 0xfb:
		insn->op = INSN_STI;
		return 0;
	case 0xf4:
		insn->op = INSN_HLT;
		return 0;
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:	/* port in imm8 */
	case 0xec: case 0xed: case 0xee: case 0xef:	/* port in %dx */
		insn->op = b & 2 ? INSN_OUT : INSN_IN;
		/* Bit 0 picks al or (e)ax; there is no 64-bit port I/O. */
		insn->size = !(b & 1) ? 1 : opsize ? 2 : 4;
		insn->port_dx = b & 8;
		return insn->port_dx ? 0 : fetch(c, 1, &insn->port);
	case 0x88: case 0x89:	/* mov %reg, r/m: a store */
	case 0x8a: case 0x8b:	/* mov r/m, %reg: a load */
		insn->op = b & 2 ? INSN_MOV_LOAD : INSN_MOV_STORE;
		insn->size = !(b & 1) ? 1 : rex & REX_W ? 8 : opsize ? 2 : 4;
		if (fetch(c, 1, &modrm) || operand(c, modrm, rex, insn))
			return -1;
		/*
		 * Only a memory operand can trap; and without REX, byte
		 * registers 4-7 are %ah..%bh, which we do not model.
		 */
		if (!insn->mem || (insn->size == 1 && !rex && insn->reg >= 4))
			return -1;
		return 0;
	case 0x0f:
		return two_byte(c, rex, opsize, insn);
	}
	return -1;			/* lock, 0x67 and the rest */
}

/**
 * decode_insn() - decode the instruction at the start of @bytes.
 * @bytes: the instruction's bytes, as fetched from the guest.
 * @avail: how many bytes of @bytes may be read; the decoder never reads more.
 * @insn: the result.
 *
 * A REX byte counts only right before the opcode, and the last of several
 * FS/GS overrides wins; both as on the CPU.
 *
 * Return: 0, or -1 if the instruction is not one that struct decoded_insn can
 * describe, is longer than %INSN_MAX_LEN, or does not fit in @avail bytes;
 * then @insn->op is %INSN_UNKNOWN and the other fields mean nothing.
 */
int decode_insn(const unsigned char *bytes, unsigned int avail,
		struct decoded_insn *insn)
{
	struct cursor c = {
		.code = bytes,
		.end = avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN,
	};
	unsigned int b, rex = 0;
	bool opsize = false;
	int ret = -1;

	*insn = (struct decoded_insn){
		.base = INSN_NO_REG, .index = INSN_NO_REG, .scale = 1,
	};
	while (!fetch(&c, 1, &b)) {
		if ((b & 0xf0) == 0x40) {
			rex = b;
		} else if (legacy_prefix(b, &opsize, &insn->seg)) {
			rex = 0;	/* a REX before a prefix is ignored */
		} else {
			ret = decode_opcode(&c, b, rex, opsize, insn);
			break;
		}
	}
	if (ret)
		insn->op = INSN_UNKNOWN;
	insn->len = c.pos;
	return ret;
}

/**
 * decode_address() - the linear address of @insn's memory operand.
 * @insn: a decoded instruction with @insn->mem set.
 * @gpr: the guest's general-purpose registers, in encoding order.
 * @next_rip: the address of the next instruction, for RIP-relative forms.
 * @seg_base: the FS or GS base if @insn->seg names one; else ignored.
 *
 * The sum wraps modulo 2^64 as on the CPU; whether the result is a
 * canonical address the guest may touch is the caller's question.
 *
 * Return: the address, or 0 if the operand is a register.
 */
unsigned long long decode_address(const struct decoded_insn *insn,
				const unsigned long long gpr[16],
				unsigned long long next_rip,
				unsigned long long seg_base)
{
	unsigned long long addr = (unsigned long long)insn->disp;

	if (!insn->mem)
		return 0;
	if (insn->base == INSN_RIP)
		addr += next_rip;
	else if (insn->base != INSN_NO_REG)
		addr += gpr[insn->base];
	if (insn->index != INSN_NO_REG)
		addr += gpr[insn->index] * insn->scale;
	if (insn->seg != INSN_SEG_DEFAULT)
		addr += seg_base;
	return addr;
}
