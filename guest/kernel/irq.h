/*
 * irq.h - device interrupt handlers, by interrupt line.
 *
 * Book: book/09-virtio.md.  Read irq.c next.
 */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include "lib/types.h"

typedef void (*irq_handler_t)(void *arg);

bool irq_register(unsigned int line, irq_handler_t handler, void *arg);
void irq_dispatch(unsigned int line);

#endif /* GUEST_IRQ_H */
