/*
 * sysloop.c - exactly 100000 getpid system calls (or `sysloop=N`: N).
 *
 * Under ligeiro, `int $0x80` from ring 3 goes through a direct gate
 * straight to the guest kernel: the hypervisor's exit counters should
 * not grow with this loop.  That is what the hypervisor's tests look at;
 * in trap mode every call is an exit, and two sizes of loop tell how many.
 *
 * Book: book/02-guest.md, "User programs".  Read ctxloop.c next.
 */
#include "ulib.h"

#define CALLS	100000

int main(long arg)
{
	long pid = getpid(), i, wrong = 0, calls = arg ? arg : CALLS;

	for (i = 1; i < calls; i++)
		wrong += getpid() != pid;
	check(!wrong, "sysloop.getpid", "%ld calls, all agree", calls);
	return check_failures();
}
