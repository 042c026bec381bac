/*
 * virtio_pci.c - the virtio PCI transport (modern, spec 4.1): QEMU's own
 * virtio devices, when the guest boots natively on `-M pc`.
 *
 * PCI configuration space is reached the PC way, "mechanism #1": write
 * the address of a register (bus, device, function, offset) to port
 * 0xcf8, then read or write the dword at port 0xcfc.  We scan bus 0,
 * function 0 of each device, for vendor 0x1af4 with a virtio device ID.
 *
 * A modern virtio device describes its register blocks with vendor
 * capabilities: the common configuration, the notification area, the
 * ISR byte and the device-specific configuration, each at an offset in
 * one of its memory BARs (possibly a 64-bit one).  Each is mapped into
 * the kernel, uncached (vm_map_mmio()), and read and written with
 * pv_ops.mmio_read/write, plain movs natively.  Memory decoding and bus
 * mastering (the device reads our rings) are switched on in the command
 * register.
 *
 * Without MSI-X enabled the device interrupts on its legacy INTx pin,
 * which the PIIX routes to the 8259 line the BIOS wrote into the
 * Interrupt Line register, level-triggered and possibly shared.  Reading
 * the ISR byte acknowledges and lowers it, so every handler reads it
 * before the EOI, or the still-high line would interrupt again at once.
 *
 * Book: book/09-virtio.md.  Read virtio_mmio.c next.
 */
#include "drivers/virtio.h"
#include "kernel/vm.h"
#include "lib/printf.h"
#include "pvops/pvops.h"

/* Configuration mechanism #1. */
#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	0x80000000
#define PCI_DEVICE_SHIFT	11	/* bus 0, function 0: just the device */
#define PCI_SLOTS		32

/* The type-0 configuration header. */
#define PCI_VENDOR_ID		0x00	/* the device ID in the upper half */
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_BAR0		0x10
#define PCI_BARS		6
#define PCI_CAP_PTR		0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_COMMAND_MEMORY	(1 << 1)
#define PCI_COMMAND_MASTER	(1 << 2)
#define PCI_COMMAND_INTX_OFF	(1 << 10)
#define PCI_STATUS_CAP_LIST	(1 << 4)
#define PCI_BAR_IO		1
#define PCI_BAR_TYPE		6
#define PCI_BAR_TYPE_64		4
#define PCI_BAR_ADDR		(~0xfU)
#define PCI_CAP_ID_VENDOR	0x09
#define PCI_CAP_NEXT		1
#define PCI_CAPS_MAX		48	/* 192 bytes of caps, 4 bytes each */
#define PCI_VENDOR_MASK		0xffff
#define VIRTIO_PCI_DEVICE_LAST	0x107f

static u32 pci_read(unsigned int slot, unsigned int off, unsigned int size)
{
	u32 value;

	pv_ops.outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE |
		    slot << PCI_DEVICE_SHIFT | (off & ~3U));
	value = pv_ops.inl(PCI_CONFIG_DATA) >> (off & 3) * 8;
	return size == 4 ? value : value & ((1U << size * 8) - 1);
}

/* The status register shares the dword; its bits clear on a 1: write 0s. */
static void pci_write_command(unsigned int slot, u16 command)
{
	pv_ops.outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE |
		    slot << PCI_DEVICE_SHIFT | PCI_COMMAND);
	pv_ops.outl(PCI_CONFIG_DATA, command);
}

/* A memory BAR's address, 64-bit ones from two; 0 for I/O or unset. */
static u64 pci_bar(unsigned int slot, unsigned int bar)
{
	u32 lo = bar < PCI_BARS ? pci_read(slot, PCI_BAR0 + 4 * bar, 4) : 0;
	u64 addr = lo & PCI_BAR_ADDR;

	if (lo & PCI_BAR_IO)
		return 0;
	if ((lo & PCI_BAR_TYPE) == PCI_BAR_TYPE_64 && bar + 1 < PCI_BARS)
		addr |= (u64)pci_read(slot, PCI_BAR0 + 4 * (bar + 1), 4) << 32;
	return addr;
}

/* The first capability of each type, mapped; NULL, or why not. */
static const char *find_caps(struct virtio_dev *dev)
{
	u64 at[VIRTIO_PCI_CAP_TYPES] = { 0 }, addr, len;
	unsigned int p, n = 0, type, slot = dev->slot;

	if (!(pci_read(slot, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return "no capabilities";
	for (p = pci_read(slot, PCI_CAP_PTR, 1) & ~3U; p && n < PCI_CAPS_MAX;
	     p = pci_read(slot, p + PCI_CAP_NEXT, 1) & ~3U, n++) {
		type = pci_read(slot, p + VIRTIO_PCI_CAP_CFG_TYPE, 1);
		if (pci_read(slot, p, 1) != PCI_CAP_ID_VENDOR || !type ||
		    type >= VIRTIO_PCI_CAP_TYPES || at[type])
			continue;
		addr = pci_bar(slot, pci_read(slot, p + VIRTIO_PCI_CAP_BAR, 1));
		if (!addr)
			continue;
		addr += pci_read(slot, p + VIRTIO_PCI_CAP_OFFSET, 4);
		len = pci_read(slot, p + VIRTIO_PCI_CAP_LENGTH, 4);
		if (!vm_map_mmio(addr, len))
			return "its BAR is beyond the kernel's map";
		at[type] = addr;
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			dev->notify_mult = pci_read(slot,
					p + VIRTIO_PCI_NOTIFY_MULTIPLIER, 4);
	}
	dev->regs = at[VIRTIO_PCI_CAP_COMMON_CFG];
	dev->notify_base = at[VIRTIO_PCI_CAP_NOTIFY_CFG];
	dev->isr = at[VIRTIO_PCI_CAP_ISR_CFG];
	dev->device_cfg = at[VIRTIO_PCI_CAP_DEVICE_CFG];
	if (!dev->regs || !dev->notify_base || !dev->isr)
		return "no virtio 1.x capabilities: a legacy-only device?";
	return NULL;
}

/* The common configuration's fields. */
static u32 rd(struct virtio_dev *dev, u32 off, unsigned int size)
{
	return pv_ops.mmio_read(dev->regs + off, size);
}

static void wr(struct virtio_dev *dev, u32 off, unsigned int size, u32 value)
{
	pv_ops.mmio_write(dev->regs + off, size, value);
}

/* 64-bit fields as two 32-bit writes, low half first. */
static void wr64(struct virtio_dev *dev, u32 off, u64 value)
{
	wr(dev, off, 4, value);
	wr(dev, off + 4, 4, value >> 32);
}

static u8 pci_get_status(struct virtio_dev *dev)
{
	return rd(dev, VIRTIO_PCI_DEVICE_STATUS, 1);
}

static void pci_set_status(struct virtio_dev *dev, u8 status)
{
	wr(dev, VIRTIO_PCI_DEVICE_STATUS, 1, status);
}

static u64 pci_get_features(struct virtio_dev *dev)
{
	u64 lo;

	wr(dev, VIRTIO_PCI_DEVICE_FEATURE_SELECT, 4, 0);
	lo = rd(dev, VIRTIO_PCI_DEVICE_FEATURE, 4);
	wr(dev, VIRTIO_PCI_DEVICE_FEATURE_SELECT, 4, 1);
	return (u64)rd(dev, VIRTIO_PCI_DEVICE_FEATURE, 4) << 32 | lo;
}

static void pci_set_features(struct virtio_dev *dev, u64 features)
{
	wr(dev, VIRTIO_PCI_DRIVER_FEATURE_SELECT, 4, 0);
	wr(dev, VIRTIO_PCI_DRIVER_FEATURE, 4, features);
	wr(dev, VIRTIO_PCI_DRIVER_FEATURE_SELECT, 4, 1);
	wr(dev, VIRTIO_PCI_DRIVER_FEATURE, 4, features >> 32);
}

/* A device without a configuration structure reads as zeros. */
static u32 pci_config_read(struct virtio_dev *dev, u32 off, unsigned int size)
{
	return dev->device_cfg ?
	       pv_ops.mmio_read(dev->device_cfg + off, size) : 0;
}

static u32 pci_generation(struct virtio_dev *dev)
{
	return rd(dev, VIRTIO_PCI_CONFIG_GENERATION, 1);
}

static u16 pci_queue_max(struct virtio_dev *dev, u16 index)
{
	if (index >= rd(dev, VIRTIO_PCI_NUM_QUEUES, 2))
		return 0;
	wr(dev, VIRTIO_PCI_QUEUE_SELECT, 2, index);
	return rd(dev, VIRTIO_PCI_QUEUE_SIZE, 2);
}

static void pci_queue_enable(struct virtio_dev *dev, struct virtqueue *vq)
{
	wr(dev, VIRTIO_PCI_QUEUE_SELECT, 2, vq->index);
	wr(dev, VIRTIO_PCI_QUEUE_SIZE, 2, vq->size);
	wr64(dev, VIRTIO_PCI_QUEUE_DESC, (u64)vq->desc);
	wr64(dev, VIRTIO_PCI_QUEUE_DRIVER, (u64)vq->avail);
	wr64(dev, VIRTIO_PCI_QUEUE_DEVICE, (u64)vq->used);
	vq->notify = dev->notify_base + (u64)dev->notify_mult *
		     rd(dev, VIRTIO_PCI_QUEUE_NOTIFY_OFF, 2);
	wr(dev, VIRTIO_PCI_QUEUE_ENABLE, 2, 1);
}

/* Without VIRTIO_F_NOTIFICATION_DATA the value is the queue's index. */
static void pci_notify(struct virtqueue *vq)
{
	pv_ops.mmio_write(vq->notify, 2, vq->index);
}

static u32 pci_ack(struct virtio_dev *dev)
{
	return pv_ops.mmio_read(dev->isr, 1);
}

static const struct virtio_transport pci_transport = {
	.where		= "pci 00:%02x.0 (regs %#lx)",
	.get_status	= pci_get_status,
	.set_status	= pci_set_status,
	.get_features	= pci_get_features,
	.set_features	= pci_set_features,
	.config_read	= pci_config_read,
	.generation	= pci_generation,
	.queue_max	= pci_queue_max,
	.queue_enable	= pci_queue_enable,
	.notify		= pci_notify,
	.ack		= pci_ack,
};

/*
 * The type: modern devices have it in their device ID, transitional
 * ones (0x1000..0x103f, without disable-legacy=on) in the subsystem ID.
 */
static bool virtio_type(unsigned int slot, u32 *type)
{
	u32 id = pci_read(slot, PCI_VENDOR_ID, 4), device = id >> 16;

	if ((id & PCI_VENDOR_MASK) != VIRTIO_PCI_VENDOR ||
	    device < VIRTIO_PCI_DEVICE_LEGACY ||
	    device > VIRTIO_PCI_DEVICE_LAST)
		return false;
	*type = device >= VIRTIO_PCI_DEVICE_MODERN ?
		device - VIRTIO_PCI_DEVICE_MODERN :
		pci_read(slot, VIRTIO_PCI_SUBSYSTEM_ID, 2);
	return true;
}

/** virtio_pci_probe() - start every virtio device on PCI bus 0. */
void virtio_pci_probe(void)
{
	struct virtio_dev *dev;
	unsigned int slot;
	const char *err;
	u32 type;

	for (slot = 0; slot < PCI_SLOTS; slot++) {
		if (!virtio_type(slot, &type))
			continue;
		dev = virtio_new_dev();
		if (!dev) {
			printf("virtio: too many devices\n");
			return;
		}
		dev->ops = &pci_transport;
		dev->type = type;
		dev->slot = slot;
		dev->irq = pci_read(slot, PCI_INTERRUPT_LINE, 1);
		err = find_caps(dev);
		if (err) {
			printf("virtio: pci 00:%02x.0: %s\n", slot, err);
			continue;
		}
		pci_write_command(slot, (pci_read(slot, PCI_COMMAND, 2) |
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER) &
			~PCI_COMMAND_INTX_OFF);
		virtio_probe(dev);
	}
}
