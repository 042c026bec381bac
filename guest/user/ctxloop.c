/*
 * ctxloop.c - two processes yield to each other, 1000 times each.
 *
 * Each yield switches address spaces and ring-3 trap stacks: under
 * ligeiro two hypercalls (NEW_CR3, SET_STACK) per switch, the figures the
 * hypervisor's address-space cache is measured by.  Started with 1 it is
 * the partner.
 *
 * Book: book/02-guest.md, "User programs".  Read batch.c next.
 */
#include "ulib.h"

#define YIELDS	1000

int main(long arg)
{
	long s0 = info(INFO_SWITCHES), pid = arg ? 0 : spawn("ctxloop", 1);
	long i, status, switches;

	for (i = 0; i < YIELDS; i++)
		yield();
	if (arg)
		return 0;
	status = wait(pid);
	switches = info(INFO_SWITCHES) - s0;
	printf("BENCH ctxloop_switches %ld switches\n", switches);
	check(pid > 0 && status == 0 && switches >= 2 * YIELDS,
	      "ctxloop.yields", "%d yields each way", YIELDS);
	return check_failures();
}
