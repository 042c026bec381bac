/*
 * ctxloop.c - two processes yield to each other, 1000 times each (or
 * `ctxloop=N`: N times).
 *
 * Each yield switches address spaces and ring-3 trap stacks: under
 * ligeiro two hypercalls (NEW_CR3, SET_STACK) per switch, the figures the
 * hypervisor's address-space cache is measured by.  The partner is
 * started with minus the count.
 *
 * Book: book/02-guest.md, "User programs".  Read ctxring.c next.
 */
#include "ulib.h"

#define YIELDS	1000

int main(long arg)
{
	long yields = arg < 0 ? -arg : arg ? arg : YIELDS;
	long s0 = info(INFO_SWITCHES), i, status, switches;
	long pid = arg < 0 ? 0 : spawn("ctxloop", -yields);

	for (i = 0; i < yields; i++)
		yield();
	if (arg < 0)
		return 0;
	status = wait(pid);
	switches = info(INFO_SWITCHES) - s0;
	printf("BENCH ctxloop_switches %ld switches\n", switches);
	check(pid > 0 && status == 0 && switches >= 2 * yields,
	      "ctxloop.yields", "%ld yields each way", yields);
	return check_failures();
}
