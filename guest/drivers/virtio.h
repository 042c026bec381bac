/*
 * virtio.h - the guest's virtio core: devices, transports, virtqueues.
 *
 * A struct virtio_dev is one device a transport found: virtio_pci.c on
 * the PCI bus of a native boot, virtio_mmio.c in ligeiro's register
 * window.  The transport hides how registers are reached behind struct
 * virtio_transport; virtio.c does the rest the same way for both: the
 * status dance, feature negotiation, and the split virtqueues that carry
 * the requests.  The drivers (virtio_blk.c, virtio_console.c,
 * virtio_rng.c) see only this header.
 *
 * Book: book/09-virtio.md.  Read virtio.c next.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "virtio_spec.h"
#include "lib/types.h"
#include "lib/x86.h"

#define VQ_SIZE_MAX	64	/* our ring size cap: each part fits a page */
#define VIRTIO_DEVS	8	/* devices we can hold, all transports */

struct virtio_dev;
struct virtqueue;

/**
 * struct virtio_transport - how one transport reaches a device.
 * @where: printf format of where the device is: takes its @slot and
 *	the address of its registers (@regs).
 * @get_status: read the device status byte.
 * @set_status: write it (0 resets the device).
 * @get_features: the 64 feature bits the device offers.
 * @set_features: the ones the driver accepts.
 * @config_read: 1, 2 or 4 bytes of the device-specific configuration.
 * @generation: the configuration's generation count.
 * @queue_max: the largest size queue @index may have; 0: no such queue.
 * @queue_enable: give the device @vq's rings and size, and turn it on.
 * @notify: tell the device that @vq has new buffers.
 * @ack: acknowledge the device's interrupt; returns why it interrupted
 *	(bit 0: a queue, bit 1: the configuration), 0 if it did not.
 */
struct virtio_transport {
	const char *where;
	u8 (*get_status)(struct virtio_dev *dev);
	void (*set_status)(struct virtio_dev *dev, u8 status);
	u64 (*get_features)(struct virtio_dev *dev);
	void (*set_features)(struct virtio_dev *dev, u64 features);
	u32 (*config_read)(struct virtio_dev *dev, u32 off, unsigned int size);
	u32 (*generation)(struct virtio_dev *dev);
	u16 (*queue_max)(struct virtio_dev *dev, u16 index);
	void (*queue_enable)(struct virtio_dev *dev, struct virtqueue *vq);
	void (*notify)(struct virtqueue *vq);
	u32 (*ack)(struct virtio_dev *dev);
};

/**
 * struct virtio_dev - one device.
 * @ops: its transport.
 * @type: VIRTIO_ID_*.
 * @slot: where the transport found it (PCI device number, MMIO slot).
 * @irq: its interrupt line.
 * @features: the features both sides agreed on.
 * @status: what we last wrote to the status register.
 * @regs: MMIO: the register file.  PCI: the common configuration.
 * @device_cfg: PCI: the device-specific configuration.
 * @isr: PCI: the ISR status byte.
 * @notify_base: PCI: the notification area...
 * @notify_mult: ...and how far apart each queue's register is in it.
 * @broken: a request timed out; the device is not used any more.
 */
struct virtio_dev {
	const struct virtio_transport *ops;
	u32 type;
	unsigned int slot;
	unsigned int irq;
	u64 features;
	u8 status;
	u64 regs;
	u64 device_cfg;
	u64 isr;
	u64 notify_base;
	u32 notify_mult;
	bool broken;
};

/**
 * struct virtqueue - a split virtqueue and the driver's view of it.
 * @dev: its device.
 * @index: its number in the device.
 * @size: entries in each ring, a power of two.
 * @free_head: first free descriptor; the free ones are chained by .next.
 * @num_free: how many are free.
 * @avail_idx: our copy of avail->idx, which only we write.
 * @kicked_idx: avail_idx when the device was last told (or not told).
 * @last_used: the next used->ring entry we will read.
 * @event_idx: VIRTIO_RING_F_EVENT_IDX was agreed.
 * @polled: the driver polls: no interrupts for this queue.
 * @desc: the descriptor table.
 * @avail: the driver's ring.
 * @used: the device's ring.
 * @notify: PCI: the address of this queue's notify register.
 * @token: per chain head, what the driver gave vq_add().
 */
struct virtqueue {
	struct virtio_dev *dev;
	u16 index, size;
	u16 free_head, num_free;
	u16 avail_idx, kicked_idx, last_used;
	bool event_idx, polled;
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	u64 notify;
	void *token[VQ_SIZE_MAX];
};

/* One buffer of a chain: kernel memory, whose address is its physical. */
struct vq_buf {
	void *addr;
	u32 len;
};

/**
 * struct virtio_driver - a driver for one device type.
 * @type: VIRTIO_ID_*.
 * @name: for the boot line, e.g. "blk".
 * @features: the device-specific feature bits it can use.
 * @probe: set up the queues and the interrupt; NULL, or why it failed.
 * @describe: print the rest of the boot line (", 64 sectors"), or NULL.
 */
struct virtio_driver {
	u32 type;
	const char *name;
	u64 features;
	const char *(*probe)(struct virtio_dev *dev);
	void (*describe)(void);
};

extern const struct virtio_driver virtio_blk_driver, virtio_console_driver,
	virtio_rng_driver;

/* virtio.c: the core. */
void virtio_init(void);
struct virtio_dev *virtio_new_dev(void);
void virtio_probe(struct virtio_dev *dev);
void virtio_driver_ok(struct virtio_dev *dev);
bool virtio_has(const struct virtio_dev *dev, unsigned int feature);
u64 virtio_config64(struct virtio_dev *dev, u32 off);
const char *vq_setup(struct virtio_dev *dev, u16 index, struct virtqueue *vq,
		     bool polled);
int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned int out,
	   unsigned int in, void *token);
void vq_kick(struct virtqueue *vq);
void *vq_get(struct virtqueue *vq, u32 *len);
void vq_irq_off(struct virtqueue *vq);
bool vq_irq_on(struct virtqueue *vq);
bool virtio_wait(struct virtio_dev *dev, volatile bool *done);
void virtio_ack(struct virtio_dev *dev);

/* The transports' probes. */
void virtio_pci_probe(void);
void virtio_mmio_probe(void);

/* The drivers' interfaces to the rest of the kernel. */
s64 blk_sectors(void);
int blk_rw(bool write, u64 sector, void *buf, u32 count);
int blk_flush(void);
struct virtqueue *blk_queue(void);
void blk_badring(void) __attribute__((noreturn));	/* selftest/badring.c */
#define BLK_MAX_SECTORS	(PAGE_SIZE / VIRTIO_BLK_SECTOR_SIZE)	/* per call */
void console_start(void);
bool console_has_input(void);
int console_getc(void);
s64 rng_read(void *buf, u32 len);

#endif /* GUEST_VIRTIO_H */
