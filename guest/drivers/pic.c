/*
 * pic.c - programming the 8259A interrupt controllers.
 *
 * Each controller is set up by a fixed sequence of four "initialisation
 * command words": ICW1 starts it, ICW2 gives the first vector, ICW3 says
 * how master and slave are wired, ICW4 picks 8086 mode.  After that, the
 * data port holds the mask: a 1 bit silences that IRQ line.  We start with
 * every line masked and open only the ones we handle.  Each interrupt must
 * be acknowledged with an EOI, or the controller never sends another of
 * the same or lower priority.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read pit.h next.
 */
#include "drivers/pic.h"
#include "pvops/pvops.h"

static u16 irq_mask = 0xffff;	/* bit n set: IRQ n masked */

static void pic_write_mask(void)
{
	pv_ops.outb(PIC1_DATA, irq_mask & 0xff);
	pv_ops.outb(PIC2_DATA, irq_mask >> 8);
}

/** pic_init() - move IRQs to PIC_IRQ_BASE and mask every line. */
void pic_init(void)
{
	/* ICW1, to the command ports: start. */
	pv_ops.outb(PIC1_CMD, PIC_ICW1_INIT);
	pv_ops.outb(PIC2_CMD, PIC_ICW1_INIT);
	/* ICW2..4 go to the data ports.  ICW2: the first vector. */
	pv_ops.outb(PIC1_DATA, PIC_IRQ_BASE);
	pv_ops.outb(PIC2_DATA, PIC_IRQ_BASE + 8);
	/* ICW3: the master's input bit for the slave; the slave's number. */
	pv_ops.outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ);
	pv_ops.outb(PIC2_DATA, PIC_CASCADE_IRQ);
	/* ICW4: 8086 mode. */
	pv_ops.outb(PIC1_DATA, PIC_ICW4_8086);
	pv_ops.outb(PIC2_DATA, PIC_ICW4_8086);
	pic_write_mask();
}

/**
 * pic_unmask() - let an IRQ line interrupt.
 * @irq: the line, 0..15; for 8..15 the cascade line is opened too.
 */
void pic_unmask(unsigned int irq)
{
	irq_mask &= ~(1 << irq);
	if (irq >= 8)
		irq_mask &= ~(1 << PIC_CASCADE_IRQ);
	pic_write_mask();
}

/**
 * pic_eoi() - tell the PIC an interrupt has been handled.
 * @irq: the line; 8..15 came through the slave, which needs an EOI too.
 */
void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		pv_ops.outb(PIC2_CMD, PIC_EOI);
	pv_ops.outb(PIC1_CMD, PIC_EOI);
}
