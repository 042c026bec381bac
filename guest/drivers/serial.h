/*
 * serial.h - the PC's first serial port, a 16550-compatible UART.
 *
 * COM1 is where the guest's console goes when it runs natively: QEMU's
 * "-serial stdio" connects it to the terminal and to the test harness.
 * Only the registers we program are named here.  The constants are plain
 * #defines so boot.S can print an early error through the same port.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read serial.c next.
 */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

#define COM1_PORT	0x3f8

/* Register offsets from the base port. */
#define UART_THR	0	/* transmit holding (write) */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_DLL	0	/* divisor low byte, when LCR_DLAB is set */
#define UART_IER	1	/* interrupt enable */
#define UART_DLM	1	/* divisor high byte, when LCR_DLAB is set */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define UART_LCR_8N1	0x03	/* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB	0x80	/* registers 0, 1 are the divisor */
#define UART_FCR_ON	0x07	/* enable the FIFOs and clear both */
#define UART_MCR_READY	0x03	/* assert DTR and RTS */
#define UART_LSR_DR	0x01	/* a received byte is waiting */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */

#define UART_CLOCK_HZ	115200	/* divisor 1 gives this many baud */
#define SERIAL_BAUD	115200

#ifndef __ASSEMBLER__
#include "lib/types.h"

void serial_init(void);
void serial_write(const char *s, size_t len);
int serial_getc(void);
#endif

#endif /* GUEST_SERIAL_H */
