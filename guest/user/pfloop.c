/*
 * pfloop.c - 1000 demand-zero page faults (or `pfloop=N`: N), then exit.
 *
 * The heap grows by N pages and each is touched once: natively N faults
 * the kernel serves; under ligeiro each also costs exits (book/06), and
 * in trap mode the kernel's own work on the way adds more (book/07).  The
 * hypervisor's tests run two sizes and divide the difference.
 *
 * Book: book/02-guest.md, "User programs".  Read batch.c next.
 */
#include "ulib.h"

#define PAGES	1000

int main(long arg)
{
	long pages = arg ? arg : PAGES, i, wrong = 0;
	volatile u8 *p = sbrk(pages * PAGE_SIZE);

	if (p == (void *)-1)
		return 1;
	for (i = 0; i < pages; i++)
		p[i * PAGE_SIZE + i % PAGE_SIZE] = i;	/* the faults */
	for (i = 0; i < pages; i++)
		wrong += p[i * PAGE_SIZE + i % PAGE_SIZE] != (u8)i;
	check(!wrong, "pfloop.faults", "%ld fresh pages keep a byte", pages);
	return check_failures();
}
