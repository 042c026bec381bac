/*
 * time.h - the clock and the timer tick.
 *
 * Book: book/02-guest.md, "Time".  Read time.c next.
 */
#ifndef GUEST_TIME_H
#define GUEST_TIME_H

#include "lib/types.h"

/* rdtsc is allowed at every ring; the lfence keeps earlier work out. */
static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return (u64)hi << 32 | lo;
}

void time_init(void);
u64 time_ns(void);
void time_tick(void);
u64 time_ticks(void);

#endif /* GUEST_TIME_H */
