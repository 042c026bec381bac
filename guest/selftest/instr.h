/* SPDX-License-Identifier: GPL-2.0 */
/*
 * instr.h - every privileged and sensitive instruction, as numbered cases.
 *
 * instr.c holds the cases and says how each must end in each of four
 * places: the guest kernel at ring 1 in pv mode and in trap mode, and a
 * guest process at ring 3 in either mode.  Two programs run them and
 * link instr.c alike: instr1.c in the guest kernel (instr_kill=N, one
 * case that must get the guest killed; instr_ok, every case it must
 * survive) and user/instr3.c as a guest process (every case in turns, as
 * children its kernel kills).  tests/host/hardening.sh boots them.
 *
 * Book: book/04-world-switch.md, "What a guest may try".  Read instr.c
 * next.
 */
#ifndef GUEST_INSTR_H
#define GUEST_INSTR_H

#include "lib/types.h"

/* Where a case runs: the ring, and how ligeiro runs that ring. */
enum instr_mode { INSTR_PV1, INSTR_TRAP1, INSTR_PV3, INSTR_TRAP3,
		  INSTR_MODES };

/* How a case must end. */
enum instr_how {
	INSTR_OK,	/* it runs, and leaves what its check wants */
	INSTR_FAULT,	/* the CPU refuses it: @vector with @error */
	INSTR_KILLED,	/* trap mode: the emulator kills us, in @words */
	INSTR_SKIP,	/* not run here (instr.c says why) */
};

/**
 * struct instr_end - the end a case must come to in one place.
 * @how: enum instr_how.
 * @vector: INSTR_FAULT: the exception, and @error its error code.
 * @after: INSTR_FAULT: a trap, reported past the instruction.
 * @words: INSTR_KILLED: what the hypervisor's reason says.
 *
 * Where QEMU's TCG, which the tests run on, answers otherwise than the
 * CPU, either answer is right:
 * @tcg_ss: INSTR_FAULT at ring 1: TCG takes this null %ss, which the CPU
 *	refuses; then the next exit kills the guest, for a corrupt %ss.
 * @tcg_fault: INSTR_FAULT: TCG raises @tcg_vector with @tcg_error at the
 *	instruction instead.
 */
struct instr_end {
	u8 how, vector;
	bool after;
	u16 error;
	const char *words;
	bool tcg_ss, tcg_fault;
	u8 tcg_vector;
	u16 tcg_error;
};

/*
 * A stub runs one instruction.  It takes the case's two arguments and a
 * function that makes one exit to the hypervisor, which stubs that
 * change state call before reading it back; it returns what the case's
 * check looks at.
 */
typedef u64 instr_stub(u64 arg, u64 arg2, void (*exit)(void));

/**
 * struct instr_case - one instruction with its operands and its ends.
 * @name: the instruction, and @label what it names ("" if nothing).
 * @stub: runs it; @at is the instruction itself, @after the next one.
 * @arg, @arg2: its operands, as the stub takes them.
 * @check: for INSTR_OK, what the stub's return must be (instr.c).
 * @end: the end in each enum instr_mode.
 */
struct instr_case {
	const char *name, *label;
	instr_stub *stub;
	const char *at, *after;
	u64 arg, arg2;
	u8 check;
	struct instr_end end[INSTR_MODES];
};

bool instr_case(unsigned int n, struct instr_case *c);
bool instr_state_ok(const struct instr_case *c, u64 ret);
u64 instr_rip(const struct instr_case *c, const struct instr_end *e);

/* instr1.c: the guest kernel's runs.  Neither returns. */
void instr_kill(u64 n);
void instr_ok(void);

#endif /* GUEST_INSTR_H */
