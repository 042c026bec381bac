/*
 * pit.c - a periodic timer from PIT channel 0, and the tick count.
 *
 * pit_init() programs the rate; the interrupt itself arrives through the
 * PIC as IRQ 0, and trap() calls pit_tick() for it.  The count is the
 * only state, and only the interrupt handler changes it.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read mmap.c next.
 */
#include "pit.h"
#include "pvops.h"

static volatile u64 ticks;

/**
 * pit_init() - make channel 0 interrupt at a fixed rate.
 * @hz: interrupts per second, 19..1193182 (the divisor is 16 bits).
 */
void pit_init(unsigned int hz)
{
	u16 divisor = (PIT_CLOCK_HZ + hz / 2) / hz;

	pv_ops.outb(PIT_CMD, PIT_CMD_CH0_RATE);
	pv_ops.outb(PIT_CH0_DATA, divisor & 0xff);
	pv_ops.outb(PIT_CH0_DATA, divisor >> 8);
}

/** pit_tick() - count one timer interrupt; called from trap(). */
void pit_tick(void)
{
	ticks++;
}

/**
 * pit_ticks() - read the tick count.
 *
 * Return: how many timer interrupts have arrived so far.
 */
u64 pit_ticks(void)
{
	return ticks;
}
