/*
 * virtio_rng.c - the entropy device (spec 5.4): random bytes on request.
 *
 * Its one queue takes buffers the device fills with as many random
 * bytes as it likes (used.len says how many, perhaps fewer than asked).
 * As for the disk, one request at a time, and the caller sleeps in
 * virtio_wait() until the interrupt handler has seen it come back.
 *
 * Book: book/09-virtio.md.  Read guest/user/disktest.c next.
 */
#include "drivers/virtio.h"
#include "kernel/irq.h"

static struct {
	struct virtio_dev *dev;
	struct virtqueue vq;
	volatile bool done;
	u32 len;
} rng;

static void rng_irq(void *arg)
{
	struct virtio_dev *dev = arg;
	u32 len;

	virtio_ack(dev);
	while (vq_get(&rng.vq, &len)) {
		rng.len = len;
		rng.done = true;
	}
}

static const char *rng_probe(struct virtio_dev *dev)
{
	const char *err;

	if (rng.dev)
		return "only the first one is used";
	err = vq_setup(dev, VIRTIO_RNG_REQUESTQ, &rng.vq, false);
	if (err)
		return err;
	if (!irq_register(dev->irq, rng_irq, dev))
		return "its interrupt line is not one we can take";
	virtio_driver_ok(dev);
	rng.dev = dev;
	return NULL;
}

const struct virtio_driver virtio_rng_driver = {
	.type	= VIRTIO_ID_RNG,
	.name	= "rng",
	.probe	= rng_probe,
};

/**
 * rng_read() - some random bytes.
 * @buf: kernel memory for them.
 * @len: at most this many.
 *
 * Return: how many the device gave (at least 1, at most @len), or -1: no device, or it
 * gave none.
 */
s64 rng_read(void *buf, u32 len)
{
	struct vq_buf b = { buf, len };

	if (!rng.dev || rng.dev->broken || !len)
		return -1;
	rng.done = false;
	if (vq_add(&rng.vq, &b, 0, 1, &rng))
		return -1;
	vq_kick(&rng.vq);
	if (!virtio_wait(rng.dev, &rng.done) || !rng.len)
		return -1;
	return rng.len < len ? rng.len : len;
}
