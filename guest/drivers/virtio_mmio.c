/*
 * virtio_mmio.c - the virtio MMIO transport (version 2, spec 4.2): the
 * devices ligeiro's launcher serves, in either mode.
 *
 * Each device is one page of 32-bit registers at LIGEIRO_MMIO_BASE +
 * n * LIGEIRO_MMIO_STRIDE, on interrupt line LIGEIRO_MMIO_IRQ + n; an
 * empty slot is a register file with device ID 0.  There is no memory
 * behind the window: every access leaves the guest.  They all go through
 * pv_ops.mmio_read/write, so in pv mode each one is an HCALL_MMIO, and
 * in trap mode a plain mov through our (uncached) mapping of the window,
 * which traps and which ligeiro decodes: the same driver either way.
 *
 * The control registers are read and written 32 bits at a time, as the
 * specification demands; the device configuration with the width of
 * each field.
 *
 * Book: book/09-virtio.md.  Read virtio_blk.c next.
 */
#include "drivers/virtio.h"
#include "kernel/vm.h"
#include "lib/abi.h"
#include "lib/printf.h"
#include "pvops/pvops.h"

#define MMIO_WINDOW_SIZE	(LIGEIRO_MMIO_SLOTS * LIGEIRO_MMIO_STRIDE)

static u32 rd(struct virtio_dev *dev, u32 off)
{
	return pv_ops.mmio_read(dev->regs + off, 4);
}

static void wr(struct virtio_dev *dev, u32 off, u32 value)
{
	pv_ops.mmio_write(dev->regs + off, 4, value);
}

/* An address register pair: low half, then high. */
static void wr64(struct virtio_dev *dev, u32 off, u64 value)
{
	wr(dev, off, value);
	wr(dev, off + 4, value >> 32);
}

static u8 mmio_get_status(struct virtio_dev *dev)
{
	return rd(dev, VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_dev *dev, u8 status)
{
	wr(dev, VIRTIO_MMIO_STATUS, status);
}

static u64 mmio_get_features(struct virtio_dev *dev)
{
	u64 lo;

	wr(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	lo = rd(dev, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return (u64)rd(dev, VIRTIO_MMIO_DEVICE_FEATURES) << 32 | lo;
}

static void mmio_set_features(struct virtio_dev *dev, u64 features)
{
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, features);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
}

static u32 mmio_config_read(struct virtio_dev *dev, u32 off, unsigned int size)
{
	return pv_ops.mmio_read(dev->regs + VIRTIO_MMIO_CONFIG + off, size);
}

static u32 mmio_generation(struct virtio_dev *dev)
{
	return rd(dev, VIRTIO_MMIO_CONFIG_GENERATION);
}

/* A queue that is already live is not ours to set up: report none. */
static u16 mmio_queue_max(struct virtio_dev *dev, u16 index)
{
	wr(dev, VIRTIO_MMIO_QUEUE_SEL, index);
	if (rd(dev, VIRTIO_MMIO_QUEUE_READY))
		return 0;
	return rd(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static void mmio_queue_enable(struct virtio_dev *dev, struct virtqueue *vq)
{
	wr(dev, VIRTIO_MMIO_QUEUE_SEL, vq->index);
	wr(dev, VIRTIO_MMIO_QUEUE_NUM, vq->size);
	wr64(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (u64)vq->desc);
	wr64(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u64)vq->avail);
	wr64(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u64)vq->used);
	wr(dev, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void mmio_notify(struct virtqueue *vq)
{
	wr(vq->dev, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

/* The interrupt stays raised until we acknowledge each bit we saw. */
static u32 mmio_ack(struct virtio_dev *dev)
{
	u32 status = rd(dev, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (status)
		wr(dev, VIRTIO_MMIO_INTERRUPT_ACK, status);
	return status;
}

static const struct virtio_transport mmio_transport = {
	.where		= "mmio slot %u (regs %#lx)",
	.get_status	= mmio_get_status,
	.set_status	= mmio_set_status,
	.get_features	= mmio_get_features,
	.set_features	= mmio_set_features,
	.config_read	= mmio_config_read,
	.generation	= mmio_generation,
	.queue_max	= mmio_queue_max,
	.queue_enable	= mmio_queue_enable,
	.notify		= mmio_notify,
	.ack		= mmio_ack,
};

/**
 * virtio_mmio_probe() - start the device in each of ligeiro's slots.
 *
 * pv mode reaches the registers by hypercall and needs no mapping; in
 * trap mode the movs need one, or they would be our own page faults
 * instead of accesses for ligeiro to emulate.
 */
void virtio_mmio_probe(void)
{
	struct virtio_dev probe = { 0 }, *dev;
	unsigned int slot;
	u32 magic, version;

	if (guest_mode != GUEST_PV &&
	    !vm_map_mmio(LIGEIRO_MMIO_BASE, MMIO_WINDOW_SIZE)) {
		printf("virtio: cannot map the MMIO window\n");
		return;
	}
	for (slot = 0; slot < LIGEIRO_MMIO_SLOTS; slot++) {
		probe.regs = LIGEIRO_MMIO_BASE + slot * LIGEIRO_MMIO_STRIDE;
		magic = rd(&probe, VIRTIO_MMIO_MAGIC_VALUE);
		version = rd(&probe, VIRTIO_MMIO_VERSION);
		if (magic != VIRTIO_MMIO_MAGIC ||
		    version != VIRTIO_MMIO_VERSION_2) {
			printf("virtio: mmio slot %u: magic %#x version %u, "
			       "not a virtio-mmio v2 device\n", slot, magic,
			       version);
			continue;
		}
		probe.type = rd(&probe, VIRTIO_MMIO_DEVICE_ID);
		if (!probe.type)
			continue;	/* an empty slot */
		dev = virtio_new_dev();
		if (!dev) {
			printf("virtio: too many devices\n");
			return;
		}
		*dev = probe;
		dev->ops = &mmio_transport;
		dev->slot = slot;
		dev->irq = LIGEIRO_MMIO_IRQ + slot;
		virtio_probe(dev);
	}
}
