// SPDX-License-Identifier: GPL-2.0
/*
 * mmio.c - one virtio-mmio (version 2) register file, shared by every device.
 *
 * The guest finds and drives a device through a page of 32-bit registers:
 * it reads who the device is and what it offers, writes what it accepts,
 * describes each queue's rings, and from then on only writes QueueNotify
 * ("look at queue n") and acknowledges our interrupts.  Every guest access
 * to the page becomes one call here, from run.c's LIGEIRO_RUN_MMIO exit.
 *
 * The registers are the driver's, so nothing a driver writes may upset the
 * launcher: a queue whose rings do not check out, or a request a device
 * cannot make sense of, sets DEVICE_NEEDS_RESET, as 2.1.2 of the spec
 * allows, and the device then ignores the driver until it resets it.
 *
 * The book describes the transport in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read blk.c next.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "devices.h"
#include "run.h"

/* VendorID: four ASCII letters, as QEMU's reads "QEMU"; ours reads "lige". */
#define VENDOR_ID	0x6567696c

static const struct virtio_ops empty = {
	.name = "empty",
	.device_id = VIRTIO_ID_NONE,
};

void vdev_init(struct vdev *d, const struct guest_mem *mem,
		 unsigned int slot)
{
	memset(d, 0, sizeof(*d));
	d->ops = &empty;
	d->mem = mem;
	d->slot = slot;
	d->vm_fd = -1;
}

/* Status 0: forget everything the driver told us. */
static void reset(struct vdev *d)
{
	d->status = d->isr = d->queue_sel = 0;
	d->features_sel = d->driver_features_sel = 0;
	d->driver_features = 0;
	d->reported = false;	/* a new driver's faults are news again */
	memset(d->q, 0, sizeof(d->q));
}

/* The queue QueueSel selects, or NULL if the device has no such queue. */
static struct virtio_queue *selected(struct vdev *d)
{
	return d->queue_sel < d->ops->nr_queues ? &d->q[d->queue_sel] : NULL;
}

static void interrupt(struct vdev *d, uint32_t why)
{
	static bool reported;

	d->isr |= why;
	d->interrupts++;
	if (d->vm_fd >= 0 &&
	    ioctl(d->vm_fd, LIGEIRO_IRQ, LIGEIRO_MMIO_IRQ + d->slot) < 0 &&
	    !reported) {
		reported = true;
		say("LIGEIRO_IRQ %u: %s", LIGEIRO_MMIO_IRQ + d->slot,
		    strerror(errno));
	}
}

void virtio_fault(struct vdev *d, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	d->faults++;
	if (!d->reported) {
		d->reported = true;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		say("virtio-%s: %s; the device needs a reset", d->ops->name,
		    msg);
	}
	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	/* 2.1.2: once DRIVER_OK is set, the driver must be told. */
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		interrupt(d, VIRTIO_ISR_CONFIG);
}

/* Whether queue @q may run: set up, and the driver done with setting up. */
static bool live(struct vdev *d, unsigned int q)
{
	return q < d->ops->nr_queues && d->q[q].ready &&
	       (d->status & (VIRTIO_STATUS_DRIVER_OK |
			     VIRTIO_STATUS_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK;
}

int virtio_pop(struct vdev *d, unsigned int q, struct chain *c)
{
	int ret;

	if (!live(d, q))
		return 0;
	ret = vq_pop(&d->q[q].vq, c);
	if (ret < 0) {
		virtio_fault(d, "queue %u: %s", q, vq_strerror(ret));
		return 0;
	}
	d->requests += ret;
	return ret;
}

void virtio_kick(struct vdev *d, unsigned int q)
{
	uint16_t old;

	if (!live(d, q))
		return;
	old = d->q[q].vq.used_idx;
	d->ops->serve(d, q);
	if (vq_need_interrupt(&d->q[q].vq, old))
		interrupt(d, VIRTIO_ISR_QUEUE);
}

/*
 * FEATURES_OK is the driver asking "will you work with these?"; 3.1.1
 * says we answer by leaving the bit clear.  We refuse what we did not
 * offer, and a driver without VERSION_1: the legacy interface is not here.
 */
static void set_status(struct vdev *d, uint32_t v)
{
	uint64_t extra = d->driver_features & ~d->features;

	if (!v) {
		reset(d);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) &&
	    !(d->status & VIRTIO_STATUS_FEATURES_OK) &&
	    (extra || !(d->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1))))
		v &= ~VIRTIO_STATUS_FEATURES_OK;
	/* NEEDS_RESET is ours to set, and only a reset clears it. */
	d->status = (v & ~VIRTIO_STATUS_NEEDS_RESET) |
		    (d->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* QueueReady: check the rings now, so the device never sees bad ones. */
static void set_ready(struct vdev *d, struct virtio_queue *q,
		      uint32_t v)
{
	bool event_idx = d->driver_features &
			 VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
	int err;

	if (!v) {
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	/* 3.1.1: features are settled before any queue is set up. */
	if (!(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_fault(d, "queue %u made ready before FEATURES_OK",
			     d->queue_sel);
		return;
	}
	err = vq_configure(&q->vq, d->mem, q->num, q->desc, q->driver,
			   q->device, event_idx);
	if (err) {
		virtio_fault(d, "queue %u: %s", d->queue_sel,
			     vq_strerror(err));
		return;
	}
	q->ready = true;
}

void vdev_save(const struct vdev *d, struct vdev_state *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->device_id = d->ops->device_id;
	s->status = d->status;
	s->isr = d->isr;
	s->queue_sel = d->queue_sel;
	s->features_sel = d->features_sel;
	s->driver_features_sel = d->driver_features_sel;
	s->driver_features = d->driver_features;
	memcpy(s->config, d->config, sizeof(s->config));
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		const struct virtio_queue *q = &d->q[i];

		s->q[i].desc = q->desc;
		s->q[i].driver = q->driver;
		s->q[i].device = q->device;
		s->q[i].num = q->num;
		s->q[i].ready = q->ready;
		s->q[i].last_avail = q->vq.last_avail;
		s->q[i].used_idx = q->vq.used_idx;
	}
}

/*
 * The saved state is untrusted (a file, a socket): the device must be the
 * same one, and every ready queue passes the check QueueReady makes.
 */
int vdev_load(struct vdev *d, const struct vdev_state *s)
{
	unsigned int i;
	int err;

	if (s->device_id != d->ops->device_id) {
		say("device slot %u: the saved guest had virtio device %u there, this launcher has %u (%s); give the same --disk",
		    d->slot, s->device_id, d->ops->device_id, d->ops->name);
		return -1;
	}
	if (memcmp(s->config, d->config, sizeof(s->config))) {
		say("device slot %u (%s): its configuration differs from the saved one (a disk of another size?)",
		    d->slot, d->ops->name);
		return -1;
	}
	if (s->driver_features & ~d->features) {
		say("device slot %u (%s): the saved driver uses features %#llx this launcher does not offer (--no-event-idx?)",
		    d->slot, d->ops->name,
		    (unsigned long long)(s->driver_features & ~d->features));
		return -1;
	}
	d->status = s->status;
	d->isr = s->isr;
	d->queue_sel = s->queue_sel;
	d->features_sel = s->features_sel;
	d->driver_features_sel = s->driver_features_sel;
	d->driver_features = s->driver_features;
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct virtio_queue *q = &d->q[i];

		*q = (struct virtio_queue){ .num = s->q[i].num,
					    .desc = s->q[i].desc,
					    .driver = s->q[i].driver,
					    .device = s->q[i].device };
		if (!s->q[i].ready)
			continue;
		err = i < d->ops->nr_queues ?
		      vq_configure(&q->vq, d->mem, q->num, q->desc, q->driver,
				   q->device, d->driver_features &
				   VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)) :
		      -VQ_ERR_SIZE;
		if (err) {
			say("device slot %u (%s): saved queue %u: %s",
			    d->slot, d->ops->name, i, vq_strerror(err));
			return -1;
		}
		q->vq.last_avail = s->q[i].last_avail;
		q->vq.used_idx = s->q[i].used_idx;
		q->ready = true;
	}
	return 0;
}

/* Half of a 64-bit register; the driver writes the two in any order. */
static void set_half(uint64_t *reg, bool high, uint32_t v)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | ((uint64_t)v << 32);
	else
		*reg = (*reg & ~0xffffffffull) | v;
}

static uint64_t *queue_addr(struct virtio_queue *q, uint32_t low)
{
	if (low == VIRTIO_MMIO_QUEUE_DESC_LOW)
		return &q->desc;
	if (low == VIRTIO_MMIO_QUEUE_DRIVER_LOW)
		return &q->driver;
	return &q->device;
}

/* Configuration space: little endian, bytes past ours read as 0. */
static uint32_t config_read(struct vdev *d, uint32_t off,
			    uint32_t size)
{
	uint32_t v = 0, i;

	for (i = 0; i < size; i++)
		if (off + i < sizeof(d->config))
			v |= (uint32_t)d->config[off + i] << (8 * i);
	return v;
}

uint32_t virtio_read(struct vdev *d, uint32_t off, uint32_t size)
{
	struct virtio_queue *q = selected(d);

	if (off >= VIRTIO_MMIO_CONFIG)
		return config_read(d, off - VIRTIO_MMIO_CONFIG, size);
	/* 4.2.2: the registers are 32 bits wide and read as such. */
	if (size != 4)
		return 0;
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->features_sel < 2 ?
		       (uint32_t)(d->features >> (32 * d->features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? VQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->isr;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	}
	/* ConfigGeneration too: our configuration never changes. */
	return 0;
}

void virtio_write(struct vdev *d, uint32_t off, uint32_t size,
		  uint32_t v)
{
	struct virtio_queue *q = selected(d);

	/* An empty slot, and our read-only configuration spaces, ignore it. */
	if (d->ops == &empty || size != 4 || off >= VIRTIO_MMIO_CONFIG)
		return;
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->driver_features_sel < 2 &&
		    !(d->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&d->driver_features, d->driver_features_sel,
				 v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q && !q->ready)
			q->num = v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		/* Each HIGH is its LOW + 4, and no LOW has bit 2 set. */
		if (q && !q->ready)
			set_half(queue_addr(q, off & ~4u), off & 4, v);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q)
			set_ready(d, q, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v < d->ops->nr_queues) {
			d->notifies++;
			virtio_kick(d, v);
		}
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->isr &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		set_status(d, v);
		break;
	}
}
