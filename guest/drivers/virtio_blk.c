/*
 * virtio_blk.c - the block device (spec 5.2): a disk of 512-byte sectors.
 *
 * A request is a chain of three buffers: a header the device reads (what
 * to do, at which sector), the data (read by the device for a write,
 * written by it for a read; none for a flush), and one status byte the
 * device writes last.  The kernel has one request in flight at a time:
 * it is not preemptible, and the caller waits until the chain comes
 * back.  So the header and status byte can be static; the data is the
 * caller's, in kernel memory (the device wants physical addresses, and
 * only kernel addresses are).
 *
 * The wait first looks (kick_poll): with its interrupt turned off, it
 * notifies and checks the used ring at once.  ligeiro's device has
 * answered by then, in the notification's own exit, so a read costs one
 * exit; QEMU's may not have, and then the caller sleeps in virtio_wait()
 * until the interrupt handler has seen the chain come back, as it always
 * does with --no-kick-poll.
 *
 * The bounds are checked here too, not only by the device: a sector past
 * the end is the driver's bug to catch before anything leaves the guest.
 *
 * Book: book/09-virtio.md.  Read virtio_console.c next.
 */
#include "drivers/virtio.h"
#include "kernel/irq.h"
#include "lib/abi.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "pvops/pvops.h"

static struct {
	struct virtio_dev *dev;		/* set once it is usable */
	struct virtqueue vq;
	u64 capacity;			/* in sectors */
	struct virtio_blk_req_hdr hdr;
	volatile u8 status;
	volatile bool done;
	bool kick_poll;			/* look for the answer before sleeping */
} blk;

static void blk_collect(void)
{
	while (vq_get(&blk.vq, NULL))
		blk.done = true;
}

/* The device interrupted: quieten it, then collect what it finished. */
static void blk_irq(void *arg)
{
	struct virtio_dev *dev = arg;

	virtio_ack(dev);
	blk_collect();
}

static const char *blk_probe(struct virtio_dev *dev)
{
	const char *err;

	if (blk.dev)
		return "only the first disk is used";
	err = vq_setup(dev, 0, &blk.vq, false);
	if (err)
		return err;
	if (!irq_register(dev->irq, blk_irq, dev))
		return "its interrupt line is not one we can take";
	blk.capacity = virtio_config64(dev, VIRTIO_BLK_CFG_CAPACITY);
	blk.kick_poll = !(guest_boot_flags & LIGEIRO_BOOT_NO_KICK_POLL);
	virtio_driver_ok(dev);
	blk.dev = dev;
	return NULL;
}

static void blk_describe(void)
{
	printf(", %lu sectors%s", blk.capacity,
	       virtio_has(blk.dev, VIRTIO_BLK_F_RO) ? ", read-only" : "");
}

const struct virtio_driver virtio_blk_driver = {
	.type		= VIRTIO_ID_BLOCK,
	.name		= "blk",
	.features	= 1ULL << VIRTIO_BLK_F_RO | 1ULL << VIRTIO_BLK_F_FLUSH,
	.probe		= blk_probe,
	.describe	= blk_describe,
};

/* Header, then the data if any, then the status: 0 or -1. */
static int blk_request(u32 type, u64 sector, void *buf, u32 count)
{
	struct vq_buf bufs[3];
	unsigned int n = 0, out;

	blk.hdr = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	blk.status = ~VIRTIO_BLK_S_OK;
	blk.done = false;
	bufs[n++] = (struct vq_buf){ &blk.hdr, sizeof(blk.hdr) };
	if (count)
		bufs[n++] = (struct vq_buf){ buf,
					     count * VIRTIO_BLK_SECTOR_SIZE };
	out = type == VIRTIO_BLK_T_IN ? 1 : n;
	bufs[n++] = (struct vq_buf){ (void *)&blk.status, 1 };
	if (vq_add(&blk.vq, bufs, out, n - out, &blk))
		return -1;
	if (blk.kick_poll) {
		/*
		 * ligeiro's device serves the queue within the notification's
		 * exit: the answer is there when vq_kick() returns, and no
		 * interrupt is needed.  QEMU's may answer later, and then
		 * the interrupt is turned back on before we sleep.
		 */
		vq_irq_off(&blk.vq);
		vq_kick(&blk.vq);
		blk_collect();
		if (!blk.done && vq_irq_on(&blk.vq))
			blk_collect();
	} else {
		vq_kick(&blk.vq);
	}
	if (!virtio_wait(blk.dev, &blk.done))
		return -1;
	return blk.status == VIRTIO_BLK_S_OK ? 0 : -1;
}

/** blk_sectors() - the disk's size. Return: sectors, or -1: no disk. */
s64 blk_sectors(void)
{
	return blk.dev && !blk.dev->broken ? (s64)blk.capacity : -1;
}

/**
 * blk_rw() - read or write whole sectors.
 * @write: true to write.
 * @sector: the first.
 * @buf: kernel memory, count * VIRTIO_BLK_SECTOR_SIZE bytes.
 * @count: 1..BLK_MAX_SECTORS, all of them on the disk.
 *
 * Return: 0, or -1 (no disk, out of bounds, read-only, an I/O error).
 */
int blk_rw(bool write, u64 sector, void *buf, u32 count)
{
	if (blk_sectors() < 0 || !count || count > BLK_MAX_SECTORS ||
	    sector > blk.capacity || count > blk.capacity - sector ||
	    (write && virtio_has(blk.dev, VIRTIO_BLK_F_RO)))
		return -1;
	return blk_request(write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
			   sector, buf, count);
}

/**
 * blk_flush() - make every completed write durable.
 *
 * A device that does not offer VIRTIO_BLK_F_FLUSH has no write cache,
 * so there is nothing to do.  Return: 0, or -1.
 */
int blk_flush(void)
{
	if (blk_sectors() < 0)
		return -1;
	if (!virtio_has(blk.dev, VIRTIO_BLK_F_FLUSH))
		return 0;
	return blk_request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

/** blk_queue() - the disk's request queue, or NULL without a disk. */
struct virtqueue *blk_queue(void)
{
	return blk.dev ? &blk.vq : NULL;
}
