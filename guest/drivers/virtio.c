/*
 * virtio.c - the virtio core: bringing a device up, and split virtqueues.
 *
 * A transport finds a device and hands it to virtio_probe(), which walks
 * the status sequence of the specification (3.1.1): reset, ACKNOWLEDGE,
 * DRIVER, read the offered features, write the ones we accept,
 * FEATURES_OK and read it back, and lets the driver set up its queues
 * and its interrupt; the driver says DRIVER_OK.  Any failure sets FAILED,
 * prints why, and the device is left alone.
 *
 * A split virtqueue (2.7) is three rings in guest memory, one page each:
 * descriptors (buffers, chained by .next), the available ring (chain
 * heads the driver offers) and the used ring (heads the device is done
 * with).  Free descriptors stay chained by .next too, so taking n of
 * them for a request is following the list, and giving a used chain
 * back is one link.  Each side only ever writes its own index, so the
 * two agree without locks; barriers order what each publishes.
 *
 * Waiting for a request is halting with interrupts enabled until the
 * driver's interrupt handler says it is done.  The kernel is not
 * preemptible and runs with interrupts off, so nothing else runs on our
 * way to the halt, and halt enables interrupts and sleeps as one step:
 * no completion can slip in between the check and the sleep.
 *
 * Book: book/09-virtio.md.  Read virtio_pci.c next.
 */
#include "drivers/virtio.h"
#include "kernel/page.h"
#include "kernel/time.h"
#include "lib/abi.h"
#include "lib/printf.h"
#include "pvops/pvops.h"

#define BIT(n)			(1ULL << (n))
#define RESET_SPINS		1000000
#define VIRTIO_TIMEOUT_NS	(10 * 1000000000UL)

/*
 * x86 keeps stores in order with stores and loads with loads, and the
 * rings are ordinary write-back memory: the write and read barriers only
 * have to keep the compiler from reordering.  A store followed by a load
 * of another location is the one pair the CPU itself may reorder (the
 * store waits in the store buffer): that takes mfence.
 */
#define virt_wmb()	asm volatile("" : : : "memory")
#define virt_rmb()	asm volatile("" : : : "memory")
#define virt_mb()	asm volatile("mfence" : : : "memory")

static struct virtio_dev devs[VIRTIO_DEVS];
static unsigned int ndevs;

static const struct virtio_driver *const drivers[] = {
	&virtio_blk_driver, &virtio_console_driver, &virtio_rng_driver,
};

/* "virtio: blk at pci 00:04.0", the start of a device's boot line. */
static void say(struct virtio_dev *dev, const char *name)
{
	printf("virtio: %s at ", name);
	printf(dev->ops->where, dev->slot, dev->regs);
}

static void status_add(struct virtio_dev *dev, u8 bits)
{
	dev->status |= bits;
	dev->ops->set_status(dev, dev->status);
}

/** virtio_new_dev() - a zeroed device slot. Return: it, or NULL if full. */
struct virtio_dev *virtio_new_dev(void)
{
	return ndevs < VIRTIO_DEVS ? &devs[ndevs++] : NULL;
}

/** virtio_has() - whether @feature (a bit number) was agreed on. */
bool virtio_has(const struct virtio_dev *dev, unsigned int feature)
{
	return dev->features & BIT(feature);
}

/* Steps 1 to 6 of 3.1.1: NULL, or why the device is unusable. */
static const char *negotiate(struct virtio_dev *dev, u64 wanted)
{
	unsigned int spins = 0;
	u64 offered;

	dev->status = 0;
	dev->ops->set_status(dev, 0);
	while (dev->ops->get_status(dev) && ++spins < RESET_SPINS)
		;
	if (spins == RESET_SPINS)
		return "it does not reset";
	status_add(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	status_add(dev, VIRTIO_STATUS_DRIVER);
	offered = dev->ops->get_features(dev);
	if (!(offered & BIT(VIRTIO_F_VERSION_1)))
		return "a legacy device: no VIRTIO_F_VERSION_1";
	dev->features = offered & (wanted | BIT(VIRTIO_F_VERSION_1) |
				   BIT(VIRTIO_RING_F_EVENT_IDX));
	dev->ops->set_features(dev, dev->features);
	status_add(dev, VIRTIO_STATUS_FEATURES_OK);
	if (!(dev->ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK))
		return "it refused our features";
	return NULL;
}

/**
 * virtio_probe() - bring up a device a transport found, and say so.
 * @dev: from virtio_new_dev(), with ops, type, slot and irq filled in.
 */
void virtio_probe(struct virtio_dev *dev)
{
	const struct virtio_driver *drv = NULL;
	const char *err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(drivers); i++)
		if (drivers[i]->type == dev->type)
			drv = drivers[i];
	if (!drv) {
		say(dev, "a device");
		printf(" of type %u: no driver\n", dev->type);
		return;
	}
	err = negotiate(dev, drv->features);
	if (!err)
		err = drv->probe(dev);
	say(dev, drv->name);
	if (err) {
		status_add(dev, VIRTIO_STATUS_FAILED);
		printf(": not used: %s\n", err);
		return;
	}
	if (drv->describe)
		drv->describe();
	printf("%s\n", virtio_has(dev, VIRTIO_RING_F_EVENT_IDX) ?
	       ", event_idx" : "");
}

/** virtio_driver_ok() - the driver is ready: the device is live. */
void virtio_driver_ok(struct virtio_dev *dev)
{
	status_add(dev, VIRTIO_STATUS_DRIVER_OK);
}

/**
 * virtio_config64() - a 64-bit field of the device configuration.
 * @dev: the device.
 * @off: the field's offset.
 *
 * Read as two halves, again if the device changed it in between (the
 * generation count moved).  Return: its value.
 */
u64 virtio_config64(struct virtio_dev *dev, u32 off)
{
	u32 gen, lo, hi;

	do {
		gen = dev->ops->generation(dev);
		lo = dev->ops->config_read(dev, off, 4);
		hi = dev->ops->config_read(dev, off + 4, 4);
	} while (gen != dev->ops->generation(dev));
	return (u64)hi << 32 | lo;
}

/**
 * vq_setup() - allocate queue @index's rings and give them to the device.
 * @dev: the device, between FEATURES_OK and DRIVER_OK.
 * @index: the queue.
 * @vq: filled in.
 * @polled: the driver polls it: ask for no interrupts.
 *
 * Return: NULL, or why not.
 */
const char *vq_setup(struct virtio_dev *dev, u16 index, struct virtqueue *vq,
		     bool polled)
{
	u16 max = dev->ops->queue_max(dev, index), i;

	if (!max)
		return "a queue is missing";
	*vq = (struct virtqueue){ .dev = dev, .index = index,
				  .size = VQ_SIZE_MAX, .polled = polled };
	while (vq->size > max)
		vq->size >>= 1;
	vq->desc = page_alloc();
	vq->avail = page_alloc();
	vq->used = page_alloc();
	if (!vq->desc || !vq->avail || !vq->used)
		return "no memory for a queue";
	for (i = 0; i < vq->size; i++)
		vq->desc[i].next = i + 1;
	vq->num_free = vq->size;
	vq->event_idx = virtio_has(dev, VIRTIO_RING_F_EVENT_IDX);
	/*
	 * With EVENT_IDX the device ignores the flag; used_event, never
	 * moved from 0, then asks for one interrupt per 65536 chains.
	 */
	if (polled)
		vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	dev->ops->queue_enable(dev, vq);
	return NULL;
}

/**
 * vq_add() - offer the device a chain of buffers.
 * @vq: the queue.
 * @bufs: @out buffers the device reads, then @in buffers it writes.
 * @out: how many it reads.
 * @in: how many it writes.
 * @token: what vq_get() returns when the device is done with the chain.
 *
 * The device sees it after the next vq_kick().
 * Return: 0, or -1 if there are not enough free descriptors.
 */
int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned int out,
	   unsigned int in, void *token)
{
	/* LAB(virtio): begin */
	unsigned int i, n = out + in;
	u16 head = vq->free_head, d = head;

	if (!n || n > vq->num_free)
		return -1;
	for (i = 0; i < n; i++) {
		vq->desc[d].addr = (u64)bufs[i].addr;	/* virtual = physical */
		vq->desc[d].len = bufs[i].len;
		vq->desc[d].flags = (i >= out ? VIRTQ_DESC_F_WRITE : 0) |
				    (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		d = vq->desc[d].next;	/* the free list's order is the chain */
	}
	vq->free_head = d;
	vq->num_free -= n;
	vq->token[head] = token;
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	virt_wmb();	/* the entry, then the index that publishes it */
	vq->avail->idx = ++vq->avail_idx;
	return 0;
	/* LAB(virtio): end */
}

/*
 * Where the device says when to notify it next (after the used ring),
 * and where we say when to interrupt us (after the available ring).
 */
static volatile u16 *avail_event(struct virtqueue *vq)
{
	return (volatile u16 *)&vq->used->ring[vq->size];
}

static volatile u16 *used_event(struct virtqueue *vq)
{
	return &vq->avail->ring[vq->size];
}

/**
 * vq_kick() - notify the device of what vq_add() offered, unless it said
 * it does not need to know.
 * @vq: the queue.
 *
 * The full fence matters.  The device, about to stop looking at the
 * ring, first says "notify me" (clears VIRTQ_USED_F_NO_NOTIFY, or writes
 * avail_event), then looks at avail->idx once more.  We wrote avail->idx,
 * then read what it said.  If the CPU let our read overtake our write
 * (which x86 does: the write may still sit in the store buffer), the
 * device could see the old index and go to sleep, while we see the old
 * "do not notify" and do not wake it: a request stuck forever.  mfence
 * makes the write visible before the read.
 */
void vq_kick(struct virtqueue *vq)
{
	u16 old = vq->kicked_idx, new = vq->avail_idx;
	bool need;

	if (new == old)
		return;
	vq->kicked_idx = new;
	virt_mb();
	if (vq->event_idx)	/* did we step past avail_event just now? */
		need = (u16)(new - *avail_event(vq) - 1) < (u16)(new - old);
	else
		need = !(vq->used->flags & VIRTQ_USED_F_NO_NOTIFY);
	if (need)
		vq->dev->ops->notify(vq);
}

/**
 * vq_get() - take one chain back from the device.
 * @vq: the queue.
 * @len: gets how many bytes the device wrote into it; may be NULL.
 *
 * Its descriptors go back on the free list.  With EVENT_IDX and
 * interrupts wanted, used_event then asks for an interrupt as soon as
 * the device uses the next entry; the fence orders that store before the
 * next call's load of used->idx, for the same reason as in vq_kick().
 *
 * Return: the chain's token, or NULL if the device has used none.
 */
void *vq_get(struct virtqueue *vq, u32 *len)
{
	/* LAB(virtio): begin */
	volatile struct virtq_used_elem *elem;
	u32 head;
	u16 d;
	void *token;

	if (vq->dev->broken || vq->last_used == vq->used->idx)
		return NULL;
	virt_rmb();	/* the index, then the entry it published */
	elem = &vq->used->ring[vq->last_used & (vq->size - 1)];
	head = elem->id;
	if (len)
		*len = elem->len;
	vq->last_used++;
	if (vq->event_idx && !vq->polled) {
		*used_event(vq) = vq->last_used;
		virt_mb();
	}
	/* A device that returns what we never gave it is not to be trusted. */
	if (head >= vq->size || !vq->token[head]) {
		printf("virtio: queue %u: device used bad head %u, giving up "
		       "on it\n", vq->index, head);
		vq->dev->broken = true;
		return NULL;
	}
	for (d = head, vq->num_free++; vq->desc[d].flags & VIRTQ_DESC_F_NEXT;
	     d = vq->desc[d].next)
		vq->num_free++;
	vq->desc[d].next = vq->free_head;
	vq->free_head = head;
	token = vq->token[head];
	vq->token[head] = NULL;
	return token;
	/* LAB(virtio): end */
}

/**
 * vq_irq_off() - ask the device not to interrupt for what it uses next.
 * @vq: a queue with interrupts (not a polled one).
 *
 * A hint, not a promise: a device may still interrupt, and the handler
 * then finds nothing new.  With EVENT_IDX, used_event one behind the
 * next entry we will read is only crossed again after 65535 more.
 */
void vq_irq_off(struct virtqueue *vq)
{
	if (vq->event_idx)
		*used_event(vq) = vq->last_used - 1;
	else
		vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}

/**
 * vq_irq_on() - interrupts again for what the device uses next.
 * @vq: the queue vq_irq_off() quietened.
 *
 * The device may have used an entry while it was told not to say so:
 * look once more, after the fence (the same store-then-load pair as in
 * vq_kick()).  Return: true if there is something to vq_get() already,
 * for which no interrupt will come.
 */
bool vq_irq_on(struct virtqueue *vq)
{
	if (vq->event_idx)
		*used_event(vq) = vq->last_used;
	else
		vq->avail->flags = 0;
	virt_mb();
	return vq->used->idx != vq->last_used;
}

/**
 * virtio_ack() - an interrupt handler's first step: acknowledge the
 * device's interrupt, and notice a device that gave up on us.
 *
 * A device that finds our requests broken sets DEVICE_NEEDS_RESET and
 * signals a configuration change; we stop using it rather than wait for
 * answers that will not come.
 */
void virtio_ack(struct virtio_dev *dev)
{
	if (dev->ops->ack(dev) & VIRTIO_ISR_CONFIG &&
	    dev->ops->get_status(dev) & VIRTIO_STATUS_NEEDS_RESET &&
	    !dev->broken) {
		say(dev, "device");
		printf(": it needs a reset, giving up on it\n");
		dev->broken = true;
	}
}

/**
 * virtio_wait() - sleep until the interrupt handler sets *@done.
 * @dev: the device that will complete it.
 * @done: set by the handler.
 *
 * Called, like all kernel code, with interrupts off; they are off again
 * on return.  Every halt ends at the latest with the next timer tick, so
 * a device that never answers is noticed: it is reset, so that it can no
 * longer write into buffers we will reuse, marked broken and not used
 * again.
 *
 * Return: *@done.
 */
bool virtio_wait(struct virtio_dev *dev, volatile bool *done)
{
	u64 start = time_ns();

	while (!*done && !dev->broken) {
		if (time_ns() - start > VIRTIO_TIMEOUT_NS) {
			say(dev, "device");
			printf(": no answer, giving up on it\n");
			dev->ops->set_status(dev, 0);
			dev->broken = true;
			break;
		}
		pv_ops.halt();
		pv_ops.irq_disable();
	}
	return *done;
}

/**
 * virtio_init() - find and start every device: natively on the PCI bus,
 * under ligeiro (either mode) in its MMIO window; then a virtio console,
 * if there is one, takes over the kernel's console.
 *
 * Needs the IDT, the page allocator and the tick (virtio_wait()).
 */
void virtio_init(void)
{
	if (guest_mode == GUEST_NATIVE)
		virtio_pci_probe();
	else
		virtio_mmio_probe();
	console_start();
}
