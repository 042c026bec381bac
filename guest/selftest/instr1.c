// SPDX-License-Identifier: GPL-2.0
/*
 * instr1.c - the cases of instr.c at ring 1, as a hostile guest kernel.
 *
 * Both run before the kernel has an IDT, as the hostile= acts do, so any
 * fault ends the guest and the hypervisor says why.  instr_kill=N runs
 * the Nth case that must end so in this mode (pv or trap), after
 * printing what the hypervisor must answer:
 *
 *	instr: kill case N, NAME LABEL (arg 0x...), expects: REASON
 *	instr: kill case N or: REASON	(where QEMU's TCG differs)
 *
 * or "instr: no kill case N (there are M)" past the last, and
 * tests/host/hardening.sh compares REASON with the launcher's "guest
 * killed:" line, one launcher per case.  instr_ok runs every case that
 * must be survived, each making an exit before it reads its state back,
 * and prints one RESULT line with the counts of each kind, which the
 * script holds against the kill cases it saw.
 *
 * Book: book/04-world-switch.md, "What a guest may try".  Read
 * guest/user/instr3.c next.
 */
#include "lib/abi.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "lib/x86.h"
#include "pvops/hcall.h"
#include "pvops/pvops.h"
#include "selftest/instr.h"

/* The hypervisor's names for the faults we expect (hv/run.c). */
static const char *const fault_names[] = {
	[T_DB] = "debug trap", [T_BP] = "breakpoint", [T_OF] = "overflow",
	[T_UD] = "invalid opcode",
};

static enum instr_mode mode(void)
{
	return guest_mode == GUEST_TRAP ? INSTR_TRAP1 : INSTR_PV1;
}

static bool kills(const struct instr_end *e)
{
	return e->how == INSTR_FAULT || e->how == INSTR_KILLED;
}

/* One exit: a hypercall, or in trap mode an instruction that traps. */
static void ring1_exit(void)
{
	if (guest_mode == GUEST_TRAP)
		asm volatile("cli");	/* they are off already */
	else
		hcall(LIGEIRO_HCALL_NOP, 0, 0);
}

/* The start of the hypervisor's reason for a fault (hv/run.c). */
static void print_fault(unsigned int vector, u64 rip, unsigned int error)
{
	if (vector == T_GP)
		printf("general protection fault at rip 0x%lx, error 0x%x",
		       rip, error);
	else
		printf("%s (vector %u) at rip 0x%lx, error 0x%x",
		       fault_names[vector], vector, rip, error);
}

/**
 * instr_kill() - instr_kill=N: the Nth case that must kill us here.
 * @n: from 0.
 */
void instr_kill(u64 n)
{
	struct instr_case c;
	unsigned int i, seen = 0;
	const struct instr_end *e = NULL;

	for (i = 0; instr_case(i, &c); i++) {
		if (!kills(&c.end[mode()]))
			continue;
		if (seen++ == n) {
			e = &c.end[mode()];
			break;
		}
	}
	if (!e) {
		printf("instr: no kill case %lu (there are %u)\n", n, seen);
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	printf("instr: kill case %lu, %s %s(arg 0x%lx), expects: ", n, c.name,
	       c.label, c.arg);
	if (e->how == INSTR_KILLED)
		printf("%s", e->words);
	else
		print_fault(e->vector, instr_rip(&c, e), e->error);
	printf("\n");
	if (e->tcg_ss)
		printf("instr: kill case %lu or: corrupt guest state: cs 0x%x ss 0x%lx\n",
		       n, LIGEIRO_GUEST_KERNEL_CS, c.arg);
	if (e->tcg_fault) {
		printf("instr: kill case %lu or: ", n);
		print_fault(e->tcg_vector, (u64)c.at, e->tcg_error);
		printf("\n");
	}
	c.stub(c.arg, c.arg2, ring1_exit);
	result_fail("hostile.instr_kill", "case %lu, %s %s(arg 0x%lx), survived",
		    n, c.name, c.label, c.arg);
	result_finish();
}

/** instr_ok() - instr_ok: every case we must survive, one after another. */
void instr_ok(void)
{
	struct instr_case c;
	unsigned int i, ok = 0, bad = 0, killing = 0, skipped = 0;
	u64 ret;

	for (i = 0; instr_case(i, &c); i++) {
		if (kills(&c.end[mode()])) {
			killing++;
			continue;
		}
		if (c.end[mode()].how == INSTR_SKIP) {
			skipped++;
			continue;
		}
		ret = c.stub(c.arg, c.arg2, ring1_exit);
		if (instr_state_ok(&c, ret)) {
			ok++;
			continue;
		}
		bad++;
		printf("instr: case %u, %s %s(arg 0x%lx), left 0x%lx\n", i,
		       c.name, c.label, c.arg, ret);
	}
	if (bad)
		result_fail("hostile.instr_ok", "%u of %u cases left the wrong state",
			    bad, ok + bad);
	else
		result_pass("hostile.instr_ok", "survived=%u kill=%u skipped=%u all=%u",
			    ok, killing, skipped, i);
	result_finish();
}
