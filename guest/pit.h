/*
 * pit.h - the 8253/8254 programmable interval timer.
 *
 * Channel 0 of the PIT divides a fixed 1.193182 MHz clock by a 16-bit
 * count and raises IRQ 0 each time the count runs out: a periodic timer.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read pit.c next.
 */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include "types.h"

#define PIT_CH0_DATA	0x40
#define PIT_CMD		0x43
#define PIT_CLOCK_HZ	1193182
#define PIT_IRQ		0

/* Command: channel 0, low byte then high byte, mode 2 (rate), binary. */
#define PIT_CMD_CH0_RATE	0x34

void pit_init(unsigned int hz);
void pit_tick(void);
u64 pit_ticks(void);

#endif /* GUEST_PIT_H */
