/*
 * pic.h - the two cascaded 8259A interrupt controllers of the PC.
 *
 * The master handles IRQ 0-7, the slave IRQ 8-15 and reaches the CPU
 * through the master's IRQ 2.  Out of reset they deliver IRQs on vectors
 * 0x08-0x0f, on top of CPU exceptions, so pic_init() moves them to
 * PIC_IRQ_BASE, just past the 32 exception vectors.  Only #defines above
 * the C part: trapentry.S builds its IRQ stubs from these numbers.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read pic.c next.
 */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

#define PIC1_CMD	0x20	/* master */
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0	/* slave */
#define PIC2_DATA	0xa1

#define PIC_ICW1_INIT	0x11	/* start initialising; ICW4 follows */
#define PIC_ICW4_8086	0x01	/* 8086 (not 8080) mode, normal EOI */
#define PIC_EOI		0x20	/* non-specific end of interrupt */
#define PIC_CASCADE_IRQ	2	/* the master input the slave uses */

#define PIC_IRQS	16
#define PIC_IRQ_BASE	0x20	/* our choice: IRQ n -> vector 0x20+n */

#ifndef __ASSEMBLER__
void pic_init(void);
void pic_unmask(unsigned int irq);
void pic_eoi(unsigned int irq);
#endif

#endif /* GUEST_PIC_H */
