/*
 * serial.c - a polled driver for the 16550 UART on COM1.
 *
 * The guest never takes serial interrupts: to send a byte it waits until
 * the transmit register is empty, then writes it; to receive one it looks
 * whether one has arrived (the shell's SYS_READ asks once a tick).  That is slow but cannot
 * lose output, even from inside an exception handler.  Ports are reached
 * through pv_ops like any other privileged access.  On a machine with no
 * UART the status register reads as all ones, so the wait still ends.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read guest/kernel/page.h
 * next.
 */
#include "drivers/serial.h"
#include "pvops/pvops.h"

static void uart_write(u16 reg, u8 value)
{
	pv_ops.outb(COM1_PORT + reg, value);
}

static void serial_putc(char c)
{
	while (!(pv_ops.inb(COM1_PORT + UART_LSR) & UART_LSR_THRE))
		;
	uart_write(UART_THR, c);
}

/** serial_init() - program COM1: 115200 baud, 8N1, FIFOs on, no IRQs. */
void serial_init(void)
{
	u16 divisor = UART_CLOCK_HZ / SERIAL_BAUD;

	uart_write(UART_IER, 0);
	uart_write(UART_LCR, UART_LCR_DLAB);
	uart_write(UART_DLL, divisor & 0xff);
	uart_write(UART_DLM, divisor >> 8);
	uart_write(UART_LCR, UART_LCR_8N1);
	uart_write(UART_FCR, UART_FCR_ON);
	uart_write(UART_MCR, UART_MCR_READY);
}

/**
 * serial_write() - send bytes to COM1 as they are.
 * @s: the bytes.
 * @len: how many.
 *
 * Lines end in a bare newline, no carriage return: QEMU's stdio backend
 * leaves the terminal's output processing on, so they display fine, and
 * the test harness has nothing to strip.
 */
void serial_write(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		serial_putc(s[i]);
}

/**
 * serial_getc() - take a received byte from COM1, if there is one.
 *
 * Return: the byte, or -1 if none has arrived.
 */
int serial_getc(void)
{
	if (!(pv_ops.inb(COM1_PORT + UART_LSR) & UART_LSR_DR))
		return -1;
	return pv_ops.inb(COM1_PORT + UART_RBR);
}
