/*
 * bench.c - what the operating system's basic operations cost, in TSC
 * ticks ("cycles"): a system call, a demand-zero page fault, and a
 * context switch (a yield between two processes, which is a system call
 * too).  Natively these are the machine's costs; under ligeiro each one
 * shows what the hypervisor adds (book/05, book/06): nothing for a system
 * call through the direct gate, two exits for a page fault (the
 * reflected fault and the process's retry; the kernel's first write to
 * the fresh page was prefetched), one hypercall for a switch.  Then ctxring's rings of
 * 2 to 16 processes: whether a switch costs more as they grow.
 *
 * Started with a count it is the partner that yields back that often.
 *
 * Book: book/02-guest.md, "User programs".  Read sysloop.c next.
 */
#include "ulib.h"

#define SYSCALLS	10000
#define FAULT_PAGES	256
#define SWITCHES	1000
#define RING_MAX	16	/* rings of 2, 4, 8 and 16 processes */

static void bench(const char *name, u64 t0, u64 t1, long n)
{
	printf("BENCH %s %lu cycles\n", name, (t1 - t0) / n);
}

int main(long arg)
{
	volatile u8 *p;
	long i, pid;
	u64 t0;

	for (i = 0; i < arg; i++)
		yield();
	if (arg)
		return 0;

	t0 = rdtsc();
	for (i = 0; i < SYSCALLS; i++)
		getpid();
	bench("syscall_cycles", t0, rdtsc(), SYSCALLS);

	p = sbrk(FAULT_PAGES * PAGE_SIZE);
	t0 = rdtsc();
	for (i = 0; i < FAULT_PAGES; i++)
		p[i * PAGE_SIZE] = 1;
	bench("pagefault_cycles", t0, rdtsc(), FAULT_PAGES);
	sbrk(-FAULT_PAGES * PAGE_SIZE);

	pid = spawn("bench", SWITCHES);
	t0 = rdtsc();
	for (i = 0; i < SWITCHES; i++)
		yield();
	bench("ctxswitch_cycles", t0, rdtsc(), 2 * SWITCHES);
	if (wait(pid))
		return 1;

	/* the same as the processes grow in number: ctxring prints each */
	for (i = 2; i <= RING_MAX; i *= 2)
		if (run("ctxring", i))
			return 1;
	return 0;
}
