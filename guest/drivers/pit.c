/*
 * pit.c - the native timer: the PIT as one-shot timer and as stopwatch.
 *
 * pit_oneshot() programs channel 0 in mode 0, "interrupt on terminal
 * count": its output goes low when the count is written and high (an
 * edge on IRQ 0) when it runs out, once.  The kernel asks for one tick at
 * a time through pv_ops.timer_arm, which under ligeiro is a hypercall;
 * the PIT's 16-bit count limits one shot to about 55 ms, plenty for a
 * 10 ms tick.
 *
 * pit_tsc_khz() measures how fast the TSC runs: it times 50 ms of channel
 * 2 with rdtsc.  Under ligeiro the hypervisor simply tells us instead.
 *
 * Book: book/02-guest.md, "Time".  Read guest/kernel/time.h next.
 */
#include "drivers/pit.h"
#include "kernel/time.h"
#include "pvops/pvops.h"

#define CALIBRATE_COUNT	(PIT_CLOCK_HZ / 20)	/* 50 ms */
#define CALIBRATE_SPINS	100000000UL		/* give up: no PIT */

static u16 pit_count(u64 ns)
{
	u64 count;

	/* Clamp first: ns * PIT_CLOCK_HZ must not overflow 64 bits. */
	if (ns > 1000000000UL)
		ns = 1000000000UL;
	count = ns * PIT_CLOCK_HZ / 1000000000UL;
	if (count > PIT_COUNT_MAX)
		count = PIT_COUNT_MAX;
	return count ? count : 1;
}

/**
 * pit_oneshot() - interrupt once on IRQ 0, about ns nanoseconds from now.
 * @ns: the delay; longer than the PIT can count means as long as it can.
 */
void pit_oneshot(u64 ns)
{
	u16 count = pit_count(ns);

	pv_ops.outb(PIT_CMD, PIT_CMD_CH0_ONESHOT);
	pv_ops.outb(PIT_CH0_DATA, count & 0xff);
	pv_ops.outb(PIT_CH0_DATA, count >> 8);
}

/**
 * pit_tsc_khz() - measure the TSC against PIT channel 2.
 *
 * The gate stays low while the count is loaded, so counting starts when
 * we raise it, right after the first rdtsc; we then spin until channel
 * 2's output goes high.  The speaker bit stays off: no beep.
 *
 * Return: TSC ticks per millisecond, or 0 if channel 2 never finished.
 */
u64 pit_tsc_khz(void)
{
	u8 ctl = pv_ops.inb(SYSCTL_PORT) & ~(SYSCTL_GATE2 | SYSCTL_SPEAKER);
	unsigned long spins = 0;
	u64 t0, t1;

	pv_ops.outb(SYSCTL_PORT, ctl);
	pv_ops.outb(PIT_CMD, PIT_CMD_CH2_ONESHOT);
	pv_ops.outb(PIT_CH2_DATA, CALIBRATE_COUNT & 0xff);
	pv_ops.outb(PIT_CH2_DATA, CALIBRATE_COUNT >> 8);
	t0 = rdtsc();
	pv_ops.outb(SYSCTL_PORT, ctl | SYSCTL_GATE2);
	while (!(pv_ops.inb(SYSCTL_PORT) & SYSCTL_OUT2))
		if (++spins == CALIBRATE_SPINS)
			return 0;
	t1 = rdtsc();
	pv_ops.outb(SYSCTL_PORT, ctl);
	/* ticks / (count / PIT_CLOCK_HZ seconds) / 1000 */
	return (t1 - t0) * (PIT_CLOCK_HZ / 1000) / CALIBRATE_COUNT;
}
