/*
 * batch.c - one system call that changes 512 page-table entries.
 *
 * 2 MiB of heap, touched page by page (512 demand-zero faults), then
 * given back with a single sbrk: the kernel clears 512 entries in one go,
 * which under ligeiro fills the shared page's batch twice (book/05).
 * Growing the heap again must then give fresh zero pages: had a stale
 * translation survived, the old contents would show.
 *
 * Book: book/02-guest.md, "User programs".  Read shell.c next.
 */
#include "ulib.h"

#define PAGES	512

static bool all(volatile u8 *p, u8 value)
{
	long i;

	for (i = 0; i < PAGES; i++)
		if (p[i * PAGE_SIZE] != value)
			return false;
	return true;
}

int main(long arg)
{
	volatile u8 *p = sbrk(PAGES * PAGE_SIZE), *q;
	long i;
	bool ok;

	(void)arg;
	for (i = 0; i < PAGES; i++)
		p[i * PAGE_SIZE] = 0xa5;
	ok = all(p, 0xa5);
	sbrk(-PAGES * PAGE_SIZE);
	q = sbrk(PAGES * PAGE_SIZE);
	ok = ok && q == p && all(q, 0);
	check(ok, "batch.ptes", "%d entries cleared in one call, then fresh",
	      PAGES);
	return check_failures();
}
