/*
 * pit.h - the 8253/8254 programmable interval timer.
 *
 * The PIT divides a fixed 1.193182 MHz clock by a 16-bit count.  Channel
 * 0 raises IRQ 0 when its count runs out: we use it as a one-shot timer,
 * re-armed for every tick.  Channel 2's output can be read back through
 * the PC's "system control" port 0x61 without any interrupt, which makes
 * it a stopwatch for measuring the TSC against.
 *
 * Book: book/02-guest.md, "Time".  Read pit.c next.
 */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include "lib/types.h"

#define PIT_CH0_DATA	0x40
#define PIT_CH2_DATA	0x42
#define PIT_CMD		0x43
#define PIT_CLOCK_HZ	1193182
#define PIT_IRQ		0
#define PIT_COUNT_MAX	0xffff

/* Commands: channel 0 or 2, low byte then high byte, mode 0, binary. */
#define PIT_CMD_CH0_ONESHOT	0x30
#define PIT_CMD_CH2_ONESHOT	0xb0

/* Port 0x61: bit 0 gates channel 2, bit 1 the speaker, bit 5 its output. */
#define SYSCTL_PORT	0x61
#define SYSCTL_GATE2	0x01
#define SYSCTL_SPEAKER	0x02
#define SYSCTL_OUT2	0x20

void pit_oneshot(u64 ns);
u64 pit_tsc_khz(void);

#endif /* GUEST_PIT_H */
