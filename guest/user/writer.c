/*
 * writer.c - dirty memory at a steady rate (writer=R: R MiB of pages a
 * second) for WRITER_SECONDS, the guest `make bench` migrates.
 *
 * A live migration's rounds depend on how fast the guest writes, so the
 * benchmark needs a guest whose rate is known and fixed, unlike dirty.c,
 * which writes as fast as it can.  Every STEP_MS the writer reads the
 * guest clock, works out how many pages it owes by now (R * 256 pages
 * for each second since it started) and writes one word into each of
 * them, going round a buffer of WRITER_MIB.  Writing one word of a page
 * costs the migration a whole page, which is what a rate of "MiB of
 * pages" means.  Between steps it sleeps, as count.c does, so the guest
 * is halted on its timer most of the time; writer=0 only sleeps: the
 * idle guest.  A step that finds itself far behind (the guest stood
 * still while it moved) writes at most one buffer's worth and leaves the
 * rest to the next steps, so the rate it prints at the end is what it
 * really wrote over its run, not what it was asked for.
 *
 * Write number n goes to page n % WRITER_PAGES and stores n + 1 there.
 * At the end every page must hold the number of the last write it got
 * (zero if none): "RESULT writer PASS" with the pages written, the time
 * and the rate achieved in KiB/s, which tests/host/bench.sh reports.
 *
 * Book: book/17-migration.md, "Measured".  Read dirty.c next.
 */
#include "ulib.h"

#define WRITER_SECONDS	8
#define WRITER_MIB	16
#define PAGES_PER_MIB	(1024 * 1024 / PAGE_SIZE)
#define WRITER_PAGES	(WRITER_MIB * PAGES_PER_MIB)
#define STEP_MS		10
#define NS_PER_MS	1000000UL
#define MS_PER_S	1000UL
#define KIB_PER_PAGE	(PAGE_SIZE / 1024)
#define WORDS		(PAGE_SIZE / sizeof(u64))

/* What page p must hold after writes 0 .. written - 1. */
static u64 expected(u64 p, u64 written)
{
	if (p >= written)
		return 0;
	return p + (written - 1 - p) / WRITER_PAGES * WRITER_PAGES + 1;
}

int main(long arg)
{
	u64 rate = arg > 0 ? arg : 0, t0, ms, due, n, written = 0, p;
	volatile u64 *buf = sbrk(WRITER_PAGES * PAGE_SIZE);

	if (buf == (void *)-1) {
		check(false, "writer", "no %d MiB of heap", WRITER_MIB);
		return check_failures();
	}
	printf("writer: %lu MiB/s over %d pages for %d s\n", rate,
	       WRITER_PAGES, WRITER_SECONDS);
	t0 = info(INFO_CLOCK_NS);
	for (;;) {
		ms = (info(INFO_CLOCK_NS) - t0) / NS_PER_MS;
		if (ms >= WRITER_SECONDS * MS_PER_S)
			break;
		due = ms * rate * PAGES_PER_MIB / MS_PER_S;
		n = due - written < WRITER_PAGES ? due - written : WRITER_PAGES;
		for (; n; n--, written++)
			buf[written % WRITER_PAGES * WORDS] =
				written + 1;
		sleep(STEP_MS);
	}
	for (p = 0; p < WRITER_PAGES; p++) {
		if (buf[p * WORDS] != expected(p, written)) {
			check(false, "writer", "page %lu holds %lu, not %lu", p,
			      buf[p * WORDS],
			      expected(p, written));
			return check_failures();
		}
	}
	check(true, "writer", "rate=%lu pages=%lu ms=%lu kib_s=%lu", rate,
	      written, ms, written * KIB_PER_PAGE * MS_PER_S / ms);
	return check_failures();
}
