/*
 * ctxring.c - P processes take turns (`ctxring=P`, 2 to 16): what a
 * context switch costs as the number of address spaces grows.
 *
 * The scheduler is round robin, so each switch goes to the address space
 * used longest ago.  Under ligeiro that is the worst case for the cache
 * of shadow roots: with more processes than roots (`--roots=N`), every
 * switch finds its root gone and rebuilds it fault by fault.  Prints
 * BENCH ctxring_pP_cycles, TSC ticks per switch (instructions under
 * -icount), over every switch made while the first process yielded: the
 * least of REPEATS such stretches, so that a host timer interrupt that
 * falls into one (a tick's work is hundreds of switches' worth) does not
 * count.  Each partner is started with a negative argument and only
 * yields.
 *
 * Book: book/07-shadow-paging.md, "Address spaces and the cache of roots".  Read
 * pfloop.c next.
 */
#include "ulib.h"

#define ROUNDS		200	/* measured turns of each process */
#define REPEATS		5	/* stretches of ROUNDS; the best counts */
#define WARM		4	/* turns before: every process has run */
#define PROCS_MAX	16	/* make bench's largest ring */

static void take_turns(long n)
{
	long i;

	for (i = 0; i < n; i++)
		yield();
}

int main(long arg)
{
	long procs = arg, pid[PROCS_MAX], i, r, s0, switches, all = 0;
	long failed = 0;
	u64 t0, t1, best = ~0ULL;

	if (arg < 0) {
		take_turns(-arg);
		return 0;
	}
	if (procs < 2 || procs > PROCS_MAX) {
		printf("ctxring=%ld: from 2 to %d processes\n", procs, PROCS_MAX);
		return 1;
	}
	for (i = 1; i < procs; i++)
		pid[i] = spawn("ctxring", -(WARM + REPEATS * ROUNDS));
	take_turns(WARM);
	for (r = 0; r < REPEATS; r++) {
		s0 = info(INFO_SWITCHES);
		t0 = rdtsc();
		take_turns(ROUNDS);
		t1 = rdtsc();
		switches = info(INFO_SWITCHES) - s0;
		all += switches;
		if (switches && (t1 - t0) / switches < best)
			best = (t1 - t0) / switches;
	}
	for (i = 1; i < procs; i++)
		failed += pid[i] <= 0 || wait(pid[i]) != 0;
	printf("BENCH ctxring_p%ld_cycles %lu cycles\n", procs, best);
	check(!failed && all >= REPEATS * procs * (ROUNDS - 1), "ctxring.turns",
	      "%ld processes, %ld switches", procs, all);
	return check_failures();
}
