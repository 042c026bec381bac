/*
 * irq.c - who handles which interrupt line.
 *
 * Line n arrives on vector TIMER_VECTOR + n in both worlds: natively the
 * 8259 was programmed to put IRQ n there (pic.c), and ligeiro delivers
 * its line n on LIGEIRO_IRQ_VECTOR + n.  Line 0 is the timer's, which
 * trap.c handles itself.  A driver registers a handler for its device's
 * line; PCI lines may be shared, so a line may have several, and each
 * handler must find out whether its own device interrupted (virtio: the
 * ISR register) and quieten it.  Only after all of them have run is the
 * line acknowledged: a level-triggered line still held high would
 * otherwise interrupt again at once.
 *
 * Book: book/09-virtio.md.  Read guest/drivers/pic.h next.
 */
#include "boot/layout.h"
#include "drivers/pic.h"
#include "kernel/irq.h"
#include "pvops/pvops.h"

#define IRQ_HANDLERS	8

_Static_assert(PIC_IRQ_BASE == TIMER_VECTOR,
	       "the PIC's IRQ n and ligeiro's line n must share a vector");

static struct {
	unsigned int line;
	irq_handler_t handler;
	void *arg;
} handlers[IRQ_HANDLERS];
static unsigned int nhandlers;

/**
 * irq_register() - call @handler(@arg) for each interrupt on @line, and
 * let the line through.
 * @line: 1..PIC_IRQS - 1, not the cascade (trapentry.S has their stubs).
 * @handler: runs with interrupts off, in whatever context was interrupted.
 * @arg: its argument.
 *
 * Return: false if the line is not one we can take, or the table is full.
 */
bool irq_register(unsigned int line, irq_handler_t handler, void *arg)
{
	if (!line || line >= PIC_IRQS || line == PIC_CASCADE_IRQ ||
	    nhandlers == IRQ_HANDLERS)
		return false;
	handlers[nhandlers].line = line;
	handlers[nhandlers].handler = handler;
	handlers[nhandlers].arg = arg;
	nhandlers++;
	pv_ops.irq_unmask(line);
	return true;
}

/**
 * irq_dispatch() - an interrupt on @line (not the timer's); from trap().
 *
 * A line no one registered is masked, so an interrupt there is the
 * 8259's spurious IRQ 7 or 15, which wants no EOI.
 */
void irq_dispatch(unsigned int line)
{
	bool handled = false;
	unsigned int i;

	for (i = 0; i < nhandlers; i++) {
		if (handlers[i].line == line) {
			handlers[i].handler(handlers[i].arg);
			handled = true;
		}
	}
	if (handled)
		pv_ops.irq_eoi(line);
}
