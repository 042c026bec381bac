/*
 * time.c - a monotonic clock from the TSC, and the timer tick.
 *
 * The TSC counts at a fixed rate on every CPU QEMU or ligeiro gives us,
 * and reading it is cheap at any ring, so the clock is rdtsc scaled by
 * the TSC's frequency.  That frequency is the one thing the backends
 * must supply (pv_ops.tsc_khz): natively we measure it against the PIT,
 * under ligeiro the hypervisor writes it into the shared page.
 *
 * The timer is one-shot in both worlds: each tick arms the next.  So
 * the kernel always has a tick every TICK_NS, which drives the
 * scheduler and wakes sleepers (proc.c).
 *
 * Book: book/02-guest.md, "Time".  Read proc.h next.
 */
#include "boot/layout.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "pvops/pvops.h"

static u64 tsc_khz, tsc_boot;
static volatile u64 ticks;

/**
 * time_init() - learn the TSC's rate and start the tick.
 *
 * Interrupts stay disabled: the first tick waits until someone enables
 * them, and the IDT must be loaded by then.
 */
void time_init(void)
{
	tsc_khz = pv_ops.tsc_khz();
	if (!tsc_khz) {
		printf("ligeiro guest: FATAL: the TSC's rate is unknown\n");
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	printf("time: tsc_khz=%lu\n", tsc_khz);
	tsc_boot = rdtsc();
	pv_ops.timer_arm(TICK_NS);
}

/**
 * time_ns() - the monotonic clock.
 *
 * Return: nanoseconds since time_init().  Whole milliseconds and the
 * rest are scaled apart, so nothing overflows 64 bits for centuries.
 */
u64 time_ns(void)
{
	u64 d = rdtsc() - tsc_boot;

	return d / tsc_khz * 1000000 + d % tsc_khz * 1000000 / tsc_khz;
}

/** time_tick() - count a timer interrupt and arm the next; from trap(). */
void time_tick(void)
{
	ticks++;
	pv_ops.timer_arm(TICK_NS);
}

/** time_ticks() - the tick count. Return: timer interrupts so far. */
u64 time_ticks(void)
{
	return ticks;
}
