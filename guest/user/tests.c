/*
 * tests.c - the operating system's test suite, run at ring 3.
 *
 * One program plays every part: started with 0 it is the suite, and it
 * spawns copies of itself with another argument to be the child a check
 * needs (one that exits with a code, yields, spins, or misbehaves).  Each
 * check prints one RESULT line whose name and detail are the same
 * natively and under ligeiro, so two transcripts compare line by line;
 * timings go on BENCH lines.  The exit status is the number of failures.
 *
 * Book: book/02-guest.md, "User programs".  Read bench.c next.
 */
#include "ulib.h"

enum role { SUITE, CHILD_EXIT, CHILD_PID, CHILD_YIELD, CHILD_BUSY,
	    CHILD_KREAD, CHILD_UNMAPPED, CHILD_UPPER, CHILD_PRIV, CHILD_TOUCH };

#define EXIT_CODE	42
#define YIELDS		100
#define BUSY_MS		200
#define GAP_NS		2000000		/* off the CPU: over a loop, under a tick */
#define SLEEP_MS	100
#define SBRK_PAGES	16
#define KERNEL_ADDR	0x100000	/* the kernel's image: mapped, ring 0 */
#define UNMAPPED_ADDR	(USER_BASE + 4 * USER_HEAP_MAX)	/* no heap, no stack */
/* The first upper-half address: never ours, and under ligeiro the
 * hypervisor's; still only a page fault for the process that reads it. */
#define UPPER_ADDR	0xffff800000000000UL

static u64 clock_ns(void)
{
	return info(INFO_CLOCK_NS);
}

/* Spin ms, never yielding; count the clock's jumps: times preempted. */
static long busy(long ms)
{
	u64 start = clock_ns(), last = start, now;
	long gaps = 0;

	while ((now = clock_ns()) - start < ms * 1000000UL) {
		gaps += now - last > GAP_NS;
		last = now;
	}
	return gaps < 255 ? gaps : 255;
}

/* Write i + 1 into page i; or check that it is there (or still 0). */
static bool pages(volatile u8 *p, long n, bool write, bool zero)
{
	long i;

	for (i = 0; i < n; i++) {
		if (write)
			p[i * PAGE_SIZE] = i + 1;
		else if (p[i * PAGE_SIZE] != (zero ? 0 : (u8)(i + 1)))
			return false;
	}
	return true;
}

static int child(long role)
{
	long i;

	switch (role) {
	case CHILD_EXIT:
		return EXIT_CODE;
	case CHILD_PID:
		return getpid() & 0xff;
	case CHILD_YIELD:
		for (i = 0; i < YIELDS; i++)
			yield();
		return 0;
	case CHILD_BUSY:
		return busy(BUSY_MS);
	case CHILD_KREAD:
		return *(volatile u8 *)KERNEL_ADDR;
	case CHILD_UNMAPPED:
		return *(volatile u8 *)UNMAPPED_ADDR;
	case CHILD_UPPER:
		return *(volatile u8 *)UPPER_ADDR;
	case CHILD_PRIV:
		asm volatile("cli");
		return 0;
	case CHILD_TOUCH:
		return !pages(sbrk(32 * PAGE_SIZE), 32, true, false);
	}
	return 255;
}

static void test_syscalls(void)
{
	static const char msg[] = "tests: hello from ring 3\n";
	long pid = getpid(), kid = spawn("tests", CHILD_PID);
	long status = wait(kid), n = write(msg, sizeof(msg) - 1);

	check(pid > 0 && kid > 0 && kid != pid && status == (kid & 0xff),
	      "sys.getpid", "parent and child agree with spawn");
	check(n == sizeof(msg) - 1 && write(KERNEL_ADDR, 8) == -1 &&
	      write(msg, -1) == -1,
	      "sys.write", "returns the length; kernel pointers refused");
	status = run("tests", CHILD_EXIT);
	check(status == EXIT_CODE && spawn("nosuchprogram", 0) == -1 &&
	      wait(getpid()) == -1, "proc.spawn_wait",
	      "exit code %ld; unknown program and non-child refused", status);
}

/* Each yield while the other can run is a switch: 2 * YIELDS at least. */
static void test_yield(void)
{
	long s0 = info(INFO_SWITCHES), kid = spawn("tests", CHILD_YIELD), i;

	for (i = 0; i < YIELDS; i++)
		yield();
	i = wait(kid);
	s0 = info(INFO_SWITCHES) - s0;
	if (i == 0 && s0 >= 2 * YIELDS)
		check(true, "proc.yield", "%d yields each way", YIELDS);
	else
		check(false, "proc.yield", "status %ld, %ld switches", i, s0);
}

static void test_preempt(void)
{
	long kid = spawn("tests", CHILD_BUSY), mine = busy(BUSY_MS);
	long theirs = wait(kid);

	if (mine >= 2 && theirs >= 2)
		check(true, "proc.preempt",
		      "parent and child both spun %d ms, taking turns", BUSY_MS);
	else
		check(false, "proc.preempt", "preempted %ld and %ld times",
		      mine, theirs);
}

static void test_sleep(void)
{
	u64 t0 = clock_ns(), ms;

	sleep(SLEEP_MS);
	ms = (clock_ns() - t0) / 1000000;
	printf("BENCH sleep_ms %lu ms\n", ms);
	if (ms >= SLEEP_MS && ms < 5 * SLEEP_MS)
		check(true, "proc.sleep", "%d ms, give or take", SLEEP_MS);
	else
		check(false, "proc.sleep", "%d ms took %lu", SLEEP_MS, ms);
}

static void test_sbrk(void)
{
	long bytes = SBRK_PAGES * PAGE_SIZE, i;
	u8 *base = sbrk(bytes);
	bool ok = base != (void *)-1;

	for (i = 0; ok && i < bytes; i++)
		ok = !base[i];
	ok = ok && pages(base, SBRK_PAGES, true, false) &&
	     pages(base, SBRK_PAGES, false, false);
	check(ok && sbrk(0) == base + bytes &&
	      sbrk(USER_HEAP_MAX) == (void *)-1, "vm.sbrk",
	      "%d new pages read zero and keep what is written", SBRK_PAGES);
	sbrk(-bytes);
}

static void test_killed(const char *name, enum role role, long vector,
			const char *what)
{
	long status = run("tests", role);

	if (status == (STATUS_KILLED | vector))
		check(true, name, "%s: the child was killed, we go on", what);
	else
		check(false, name, "%s: child status %#lx", what, status);
}

/* The first run settles our own page tables; the second must leak none. */
static void test_noleak(void)
{
	long f0, f1, status;

	run("tests", CHILD_TOUCH);
	f0 = info(INFO_FREE_PAGES);
	status = run("tests", CHILD_TOUCH);
	f1 = info(INFO_FREE_PAGES);
	if (status == 0 && f0 == f1)
		check(true, "proc.noleak", "a child's pages all come back");
	else
		check(false, "proc.noleak", "status %ld, free pages %ld -> %ld",
		      status, f0, f1);
}

int main(long arg)
{
	if (arg != SUITE)
		return child(arg);
	test_syscalls();
	test_yield();
	test_preempt();
	test_sleep();
	test_sbrk();
	test_killed("vm.kernel_read", CHILD_KREAD, T_PF, "reading the kernel");
	test_killed("vm.unmapped", CHILD_UNMAPPED, T_PF, "an unmapped address");
	test_killed("vm.upper", CHILD_UPPER, T_PF, "the upper half");
	test_killed("proc.privileged", CHILD_PRIV, T_GP, "cli at ring 3");
	test_noleak();
	printf("tests: %d checks failed\n", check_failures());
	return check_failures();
}
