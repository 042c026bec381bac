/*
 * sysloop.c - exactly 100000 getpid system calls, then exit.
 *
 * Under ligeiro, `int $0x80` from ring 3 goes through a direct gate
 * straight to the guest kernel: the hypervisor's exit counters should
 * not grow with this loop.  That is what the hypervisor's tests look at.
 *
 * Book: book/02-guest.md, "User programs".  Read ctxloop.c next.
 */
#include "ulib.h"

#define CALLS	100000

int main(long arg)
{
	long pid = getpid(), i, wrong = 0;

	(void)arg;
	for (i = 1; i < CALLS; i++)
		wrong += getpid() != pid;
	check(!wrong, "sysloop.getpid", "%d calls, all agree", CALLS);
	return check_failures();
}
