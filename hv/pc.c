// SPDX-License-Identifier: GPL-2.0
/*
 * pc.c - trap mode's PC: the devices the guest's native backend drives.
 *
 * A natively booted guest talks to a PC's devices with in and out.  At
 * ring 1 with IOPL 0 each of those traps, emulate.c decodes it, and here
 * we play the device, just well enough for that backend:
 *
 *   COM1      an 8250-style UART that is always ready to send; what the
 *             guest transmits is buffered a line at a time and handed to
 *             the launcher as a LIGEIRO_RUN_SERIAL exit.  No input.
 *   PIT       channel 0 in one-shot mode is our hrtimer on IRQ 0;
 *             channel 2, gated by port 0x61, is a stopwatch the guest
 *             times its TSC against.  Counters cannot be read back.
 *   8259 PIC  the initialisation sequence, the mask, and in-service bits
 *             that an EOI clears; only the master has lines wired: the
 *             timer's (0) and the launcher's devices' (LIGEIRO_MMIO_IRQ
 *             and up).
 *   0xf4      QEMU's isa-debug-exit: the guest's way to shut down.
 *
 * Every other port reads as all ones, as on a PC's empty bus, and ignores
 * writes.  This file is the cost side of trap-and-emulate's ledger: each
 * byte the guest prints is two exits (a status read and a write), where a
 * paravirtual guest prints a whole line in one hypercall.
 *
 * Book: book/08-trap-and-emulate.md, "Virtual hardware".  emulate.c calls
 * in here; interrupts.c asks pic_ack() what to deliver.  Read
 * guest/selftest/probe.c next.
 */
#include <linux/i8253.h>
#include <linux/serial_reg.h>
#include <asm/i8259.h>
#include <asm/timex.h>

#include "vm.h"

#define COM1_BASE	0x3f8	/* the PC's first serial port, 8 registers */
#define SYSCTL_PORT	0x61	/* system control port B */
#define SYSCTL_GATE2	0x01	/* in 0x61: channel 2's gate */
#define SYSCTL_OUT2	0x20	/* in 0x61: channel 2's output */
#define PIC_ICW1	0x10	/* a command with this bit starts init */
#define PIC_ICW1_IC4	0x01	/* ... and an ICW4 will follow */
#define PIC_OCW3	0x08	/* a command with this bit (not ICW1) */
#define PIC_EOI		0x20	/* OCW2: non-specific end of interrupt */
#define PIT_ACCESS(cmd)	(((cmd) >> 4) & 3)	/* 0: latch, 3: lo/hi */

/* The duration of @count PIT ticks (0 means 65536, as on the chip). */
static u64 pit_ns(u16 count)
{
	return div_u64((count ? count : 0x10000) * NSEC_PER_SEC, PIT_TICK_RATE);
}

/* A data byte for channel @ch: low byte, high byte, or whichever. */
static void pit_write(struct ligeiro_vm *vm, unsigned int ch, u8 value)
{
	struct ligeiro_virt_pc *pc = &vm->pc;
	u8 access = pc->pit_access[ch];
	u16 *count = &pc->pit_count[ch];

	if (access == 3 && pc->pit_hi[ch])
		*count = (*count & 0xff) | value << 8;
	else if (access == 2)
		*count = value << 8;
	else
		*count = value;
	if (access == 3) {
		pc->pit_hi[ch] = !pc->pit_hi[ch];
		if (pc->pit_hi[ch])
			return;		/* the high byte is still to come */
	}
	if (ch == 0)
		irq_set_timer(vm, pit_ns(*count));
	else if (ch == 2)
		pc->ch2_count = *count;
}

/* Port 0x61: channel 2's output is high once its count has run out. */
static u8 sysctl_read(struct ligeiro_virt_pc *pc)
{
	u8 value = pc->port61;

	if (value & SYSCTL_GATE2 &&
	    ktime_to_ns(ktime_sub(ktime_get(), pc->ch2_start)) >=
	    pit_ns(pc->ch2_count))
		value |= SYSCTL_OUT2;
	return value;
}

static void sysctl_write(struct ligeiro_virt_pc *pc, u8 value)
{
	if (value & SYSCTL_GATE2 && !(pc->port61 & SYSCTL_GATE2))
		pc->ch2_start = ktime_get();	/* a rising gate starts it */
	pc->port61 = value & 0x0f;
}

static void pic_write(struct ligeiro_virt_pic *pic, bool data, u8 value)
{
	if (!data && value & PIC_ICW1) {
		*pic = (struct ligeiro_virt_pic){ .icw = 1,
					  .icw4_due = value & PIC_ICW1_IC4 };
	} else if (!data) {
		/* OCW2's EOI clears the highest-priority in-service bit */
		if (!(value & PIC_OCW3) && (value & 0xe0) == PIC_EOI)
			pic->isr &= pic->isr - 1;
	} else if (pic->icw == 1) {
		pic->base = value & 0xf8;	/* ICW2: the first vector */
		pic->icw = 2;
	} else if (pic->icw == 2) {
		pic->icw = pic->icw4_due ? 3 : 0;	/* ICW3: wiring */
	} else if (pic->icw == 3) {
		pic->icw = 0;				/* ICW4: 8086 mode */
	} else {
		pic->imr = value;
	}
}

/**
 * pic_ack() - the vector the virtual PIC would raise now, if any.
 * @vm: the guest, whose @pending bits are the IRQ lines.
 * @take: the CPU takes it: the line's request moves to in-service.
 *
 * Lines reach only an initialised master; a masked line waits, and so
 * does one below an interrupt in service (fully nested mode).
 *
 * Return: the vector, or -1.
 */
int pic_ack(struct ligeiro_vm *vm, bool take)
{
	struct ligeiro_virt_pic *pic = &vm->pc.pic[0];
	unsigned long lines = READ_ONCE(vm->pending) & ~pic->imr & 0xff;
	unsigned int irq;

	if (!pic->base || pic->icw || !lines)
		return -1;
	irq = __ffs(lines);
	if (pic->isr && __ffs(pic->isr) <= irq)
		return -1;
	if (take) {
		clear_bit(irq, &vm->pending);
		pic->isr |= 1 << irq;
	}
	return pic->base + irq;
}

/* COM1: always ready to send, nothing received, no interrupt. */
static u8 uart_in(struct ligeiro_virt_pc *pc, unsigned int reg)
{
	switch (reg) {
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT;	/* sent at once */
	case UART_IIR:
		return UART_IIR_NO_INT;
	case UART_RX:
	case UART_MSR:
		return 0;
	}
	return pc->uart[reg];
}

/**
 * pc_in() - the guest's in from @port, @size bytes wide.
 * Return: the value; all ones for a port nobody answers.
 */
u32 pc_in(struct ligeiro_vm *vm, u16 port, unsigned int size)
{
	struct ligeiro_virt_pc *pc = &vm->pc;

	switch (port) {
	case COM1_BASE ... COM1_BASE + 7:
		return uart_in(pc, port - COM1_BASE);
	case PIC_MASTER_IMR:
		return pc->pic[0].imr;
	case PIC_SLAVE_IMR:
		return pc->pic[1].imr;
	case SYSCTL_PORT:
		return sysctl_read(pc);
	}
	return size == 4 ? ~0U : (1U << size * 8) - 1;
}

/**
 * pc_flush() - hand what COM1 transmitted to the launcher.
 * Return: 1 with @exit filled in, or 0 when there was nothing.
 */
int pc_flush(struct ligeiro_vm *vm, struct ligeiro_exit *exit)
{
	struct ligeiro_virt_pc *pc = &vm->pc;

	if (!pc->out_len)
		return 0;
	exit->reason = LIGEIRO_RUN_SERIAL;
	exit->serial.len = pc->out_len;
	memcpy(exit->serial.text, pc->out, pc->out_len);
	pc->out_len = 0;
	return 1;
}

/* A byte for COM1's transmitter: a whole line, or a full buffer, exits. */
static int uart_send(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u8 c)
{
	struct ligeiro_virt_pc *pc = &vm->pc;

	pc->out[pc->out_len++] = c;
	if (c == '\n' || pc->out_len == sizeof(pc->out))
		return pc_flush(vm, exit);
	return 0;
}

/**
 * pc_out() - the guest's out of @value to @port.
 *
 * Return: 0, or 1 with @exit filled in: a line of output, or the guest's
 * shutdown (the caller has flushed COM1 first).
 */
int pc_out(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u16 port,
	   unsigned int size, u32 value)
{
	struct ligeiro_virt_pc *pc = &vm->pc;
	u8 byte = value;

	switch (port) {
	case COM1_BASE + UART_TX:
		if (!(pc->uart[UART_LCR] & UART_LCR_DLAB))
			return uart_send(vm, exit, byte);
		fallthrough;
	case COM1_BASE + 1 ... COM1_BASE + 7:
		pc->uart[port - COM1_BASE] = byte;
		return 0;
	case PIC_MASTER_CMD:
	case PIC_MASTER_IMR:
		pic_write(&pc->pic[0], port == PIC_MASTER_IMR, byte);
		return 0;
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_IMR:
		pic_write(&pc->pic[1], port == PIC_SLAVE_IMR, byte);
		return 0;
	case PIT_MODE:
		if (byte >> 6 < 3 && PIT_ACCESS(byte)) {
			pc->pit_access[byte >> 6] = PIT_ACCESS(byte);
			pc->pit_hi[byte >> 6] = false;
			if (byte >> 6 == 0)
				irq_set_timer(vm, 0);	/* mode set: stopped */
		}
		return 0;
	case PIT_CH0 ... PIT_CH2:
		pit_write(vm, port - PIT_CH0, byte);
		return 0;
	case SYSCTL_PORT:
		sysctl_write(pc, byte);
		return 0;
	case LIGEIRO_DEBUG_EXIT_PORT:
		if (byte > LIGEIRO_EXIT_GUEST_MAX)
			return vm_kill(vm, exit, "isa-debug-exit: exit code %u is above %d",
				       byte, LIGEIRO_EXIT_GUEST_MAX);
		vm->done = true;
		exit->reason = LIGEIRO_RUN_SHUTDOWN;
		exit->shutdown.code = byte;
		return 1;
	}
	return 0;
}
