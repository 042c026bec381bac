/*
 * dirty.c - write all over a large buffer as fast as we can, for a few
 * seconds (dirty=S: S seconds, else DEFAULT_SECONDS): the worst case for
 * a live migration's pre-copy, which must send again every page written
 * since it last sent it.
 *
 * The buffer is DIRTY_PAGES pages of heap.  Pass 0 fills every word of
 * every page with fill(page, word); each later pass p writes one word of
 * every page, word p % WORDS, with mark(page, p), so every pass dirties
 * every page again, and which words hold what depends on how many passes
 * ran.  Every PROGRESS_MS a line "dirty pass P" says how far we are.  At
 * the end every word must hold the last value written to it: the mark of
 * the last pass that wrote it, else its fill.  A page that a migration
 * sent before its last write and never again, or sent wrong, shows as a
 * wrong word, and "RESULT dirty FAIL" names the first.
 *
 * Book: book/07-shadow-paging.md, "Accessed and dirty bits".  Read
 * guest/selftest/badring.c next.
 */
#include "ulib.h"

#define DEFAULT_SECONDS	5
#define DIRTY_MIB	8
#define DIRTY_PAGES	(DIRTY_MIB * 256)	/* of PAGE_SIZE bytes */
#define WORDS		(PAGE_SIZE / sizeof(u64))
#define PROGRESS_MS	250
#define NS_PER_MS	1000000UL
#define FILL_SALT	0x5a5a000000000000UL
#define MARK_BIT	(1UL << 63)

static u64 fill(u64 page, u64 word)
{
	return FILL_SALT ^ page << 16 ^ word;
}

static u64 mark(u64 page, u64 pass)
{
	return MARK_BIT | page << 32 | pass;
}

/* What word w of page must hold after passes 0 .. last. */
static u64 expected(u64 page, u64 w, u64 last)
{
	u64 p;

	if (w > last)
		return fill(page, w);
	p = w + (last - w) / WORDS * WORDS;	/* the last pass at word w */
	return p ? mark(page, p) : fill(page, w);
}

int main(long arg)
{
	u64 seconds = arg > 0 ? arg : DEFAULT_SECONDS, t0, now, next;
	volatile u64 *buf = sbrk(DIRTY_PAGES * PAGE_SIZE);
	u64 page, w, pass;

	if (buf == (void *)-1) {
		check(false, "dirty", "no %d MiB of heap", DIRTY_MIB);
		return check_failures();
	}
	printf("dirty: %d pages for %lu s\n", DIRTY_PAGES, seconds);
	for (page = 0; page < DIRTY_PAGES; page++)
		for (w = 0; w < WORDS; w++)
			buf[page * WORDS + w] = fill(page, w);
	t0 = info(INFO_CLOCK_NS);
	next = t0;
	for (pass = 1;; pass++) {
		now = info(INFO_CLOCK_NS);
		if (now - t0 >= seconds * 1000 * NS_PER_MS)
			break;
		if (now >= next) {
			printf("dirty pass %lu\n", pass);
			next = now + PROGRESS_MS * NS_PER_MS;
		}
		for (page = 0; page < DIRTY_PAGES; page++)
			buf[page * WORDS + pass % WORDS] = mark(page, pass);
	}
	printf("dirty: %lu passes\n", pass);
	for (page = 0; page < DIRTY_PAGES; page++) {
		for (w = 0; w < WORDS; w++) {
			if (buf[page * WORDS + w] != expected(page, w, pass - 1)) {
				check(false, "dirty", "page %lu word %lu holds "
				      "%#lx, not %#lx", page, w,
				      buf[page * WORDS + w],
				      expected(page, w, pass - 1));
				return check_failures();
			}
		}
	}
	check(true, "dirty", "%d pages as last written", DIRTY_PAGES);
	return check_failures();
}
