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
 * Then three more of the comparison a paper prints: a process started,
 * ended and waited for (spawn, exit, wait); 512 page-table entries
 * updated at once (a 2 MiB heap, touched, then given back: one unmap);
 * and a loop that only computes, where a hypervisor should cost nothing.
 *
 * Started with a count it is the partner that yields back that often;
 * with a negative one it exits at once (the spawn benchmark's child).
 *
 * Book: book/02-guest.md, "User programs".  Read sysloop.c next.
 */
#include "ulib.h"

#define SYSCALLS	10000
#define FAULT_PAGES	256
#define SWITCHES	1000
#define RING_MAX	16	/* rings of 2, 4, 8 and 16 processes */
#define SPAWNS		100
#define UNMAP_PTES	512	/* one page table's worth */
#define UNMAPS		8
#define LOOPS		1000000
#define EXIT_AT_ONCE	(-1)

static void bench(const char *name, u64 t0, u64 t1, long n)
{
	printf("BENCH %s %lu cycles\n", name, (t1 - t0) / n);
}

int main(long arg)
{
	volatile u8 *p;
	long i, j, pid;
	u64 t0, total, x;

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

	t0 = rdtsc();
	for (i = 0; i < SPAWNS; i++)
		if (run("bench", EXIT_AT_ONCE))
			return 1;
	bench("spawn_cycles", t0, rdtsc(), SPAWNS);

	for (i = 0, total = 0; i < UNMAPS; i++) {
		p = sbrk(UNMAP_PTES * PAGE_SIZE);
		for (j = 0; j < UNMAP_PTES; j++)
			p[j * PAGE_SIZE] = 1;
		t0 = rdtsc();
		sbrk(-UNMAP_PTES * PAGE_SIZE);
		total += rdtsc() - t0;
	}
	bench("unmap512_cycles", 0, total, UNMAPS);

	t0 = rdtsc();
	for (i = 0, x = 1; i < LOOPS; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	bench("cpuloop_cycles", t0, rdtsc(), LOOPS);
	return x == 0;	/* x is used: the loop cannot be left out */
}
