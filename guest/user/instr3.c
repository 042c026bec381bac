// SPDX-License-Identifier: GPL-2.0
/*
 * instr3.c - the `instr3` program: the cases of instr.c at ring 3.
 *
 * Started with 0 it runs every case in turn, each in a child of its own
 * (this program again, with the case's number + 1): a child whose
 * instruction the CPU refuses is killed by our kernel, which tells us
 * the vector (the status), the error code and where (SYS_INFO); one
 * whose instruction is legal reads its state back after a sleep, which
 * leaves the CPU to the hypervisor, and exits with 0 if it is right.
 * The VM must live through all of them: one RESULT line at the end,
 * hostile.instr_user, counts them.  Under ligeiro only: the cases know
 * the Switcher's GDT, not a native kernel's.
 *
 * Book: book/04-world-switch.md, "What a guest may try".  Read
 * include/xorshift.h next.
 */
#include "ulib.h"
#include "selftest/instr.h"

#define WRONG_STATE	1	/* a child's exit: legal, but the state was not */
#define SHOWN_MAX	20	/* mismatches printed before we stop saying */

/* Sleep until the next tick: the kernel halts, an exit at last. */
static void ring3_exit(void)
{
	sleep(0);
}

static int child(unsigned int n)
{
	struct instr_case c;
	u64 ret;

	if (!instr_case(n, &c))
		return WRONG_STATE;
	ret = c.stub(c.arg, c.arg2, ring3_exit);
	return instr_state_ok(&c, ret) ? 0 : WRONG_STATE;
}

/* Did case @c end as @e says?  Then true; else say what happened. */
static bool ended_so(unsigned int n, const struct instr_case *c,
		     const struct instr_end *e, long status, bool shown)
{
	u64 error = info(INFO_KILL_ERROR), rip = info(INFO_KILL_RIP);

	if (e->how == INSTR_OK && !status)
		return true;
	if (e->how == INSTR_FAULT && status == (STATUS_KILLED | e->vector) &&
	    error == e->error && rip == instr_rip(c, e))
		return true;
	if (e->how == INSTR_FAULT && e->tcg_fault &&
	    status == (STATUS_KILLED | e->tcg_vector) &&
	    error == e->tcg_error && rip == (u64)c->at)
		return true;
	if (!shown)
		return false;
	printf("instr3: case %u, %s %s(arg 0x%lx): status 0x%lx", n, c->name,
	       c->label, c->arg, status);
	if (status & STATUS_KILLED)
		printf(" error 0x%lx rip 0x%lx", error, rip);
	if (e->how == INSTR_OK)
		printf(", expected 0\n");
	else
		printf(", expected a kill by vector %u error 0x%x rip 0x%lx\n",
		       e->vector, e->error, instr_rip(c, e));
	return false;
}

int main(long arg)
{
	struct instr_case c;
	unsigned int n, ran = 0, bad = 0, skipped = 0;
	long mode = info(INFO_MODE);
	const struct instr_end *e;

	if (arg)
		return child(arg - 1);
	if (mode != MODE_PV && mode != MODE_TRAP) {
		check(false, "hostile.instr_user", "runs under ligeiro only");
		return 1;
	}
	for (n = 0; instr_case(n, &c); n++) {
		e = &c.end[mode == MODE_PV ? INSTR_PV3 : INSTR_TRAP3];
		if (e->how == INSTR_SKIP) {
			skipped++;
			continue;
		}
		ran++;
		if (!ended_so(n, &c, e, run("instr3", n + 1), bad < SHOWN_MAX))
			bad++;
	}
	check(!bad, "hostile.instr_user", "ran=%u skipped=%u all=%u wrong=%u",
	      ran, skipped, n, bad);
	return bad != 0;
}
