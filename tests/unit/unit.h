/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - what the host-side unit tests share: the first failure of the
 * current case, and a page with a no-access page right after it, so that
 * code reading one byte too far crashes instead of passing.
 *
 * Each test is a program of its own, so these are static.  See
 * book/16-testing.md.
 */
#ifndef LIGEIRO_UNIT_H
#define LIGEIRO_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* The first thing that went wrong in the current case, or "". */
static char why[200];

static inline __attribute__((format(printf, 1, 2)))
void fail(const char *fmt, ...)
{
	va_list ap;

	if (why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

/* One page to test with, then one no-access page right after it. */
static inline unsigned char *guarded_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p;

	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + page, page, PROT_NONE))
		return NULL;
	return p + page;
}

#endif /* LIGEIRO_UNIT_H */
