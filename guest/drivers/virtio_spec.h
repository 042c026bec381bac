/*
 * virtio_spec.h - the numbers and layouts the virtio 1.x specification
 * fixes, as the guest's drivers use them.
 *
 * Written from "Virtual I/O Device (VIRTIO) Version 1.2" (OASIS); each
 * group names the section it comes from.  Only what our three drivers
 * and two transports touch is here.  Everything is little-endian, like
 * the CPU, so the structures are used as they are.
 *
 * Book: book/08-virtio.md.  Read virtio.h next.
 */
#ifndef GUEST_VIRTIO_SPEC_H
#define GUEST_VIRTIO_SPEC_H

#include "lib/types.h"

/* 2.1: device status, written by the driver one bit more at a time. */
#define VIRTIO_STATUS_ACKNOWLEDGE	1	/* we saw the device */
#define VIRTIO_STATUS_DRIVER		2	/* and know how to drive it */
#define VIRTIO_STATUS_DRIVER_OK		4	/* it is live */
#define VIRTIO_STATUS_FEATURES_OK	8	/* features agreed */
#define VIRTIO_STATUS_NEEDS_RESET	64	/* the device gave up on us */
#define VIRTIO_STATUS_FAILED		128	/* we gave up on it */

/* 6: feature bits of the ring and the transport, as bit numbers. */
#define VIRTIO_RING_F_EVENT_IDX		29	/* used_event/avail_event */
#define VIRTIO_F_VERSION_1		32	/* not a legacy device */

/* 5: device types. */
#define VIRTIO_ID_BLOCK			2
#define VIRTIO_ID_CONSOLE		3
#define VIRTIO_ID_RNG			4

/* 2.7: the split virtqueue. */
#define VIRTQ_DESC_F_NEXT		1	/* the chain goes on at .next */
#define VIRTQ_DESC_F_WRITE		2	/* the device writes this one */
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1	/* driver: do not interrupt */
#define VIRTQ_USED_F_NO_NOTIFY		1	/* device: do not notify */

struct virtq_desc {
	u64 addr;		/* guest-physical */
	u32 len;
	u16 flags;
	u16 next;
};

/* ring[queue size], then used_event (with EVENT_IDX). */
struct virtq_avail {
	u16 flags;
	u16 idx;
	u16 ring[];
};

struct virtq_used_elem {
	u32 id;			/* head of the chain the device used */
	u32 len;		/* bytes it wrote into the chain */
};

/* ring[queue size], then avail_event (with EVENT_IDX). */
struct virtq_used {
	u16 flags;
	u16 idx;
	struct virtq_used_elem ring[];
};

/* 4.1: virtio over PCI, modern: vendor, device 0x1040 + type. */
#define VIRTIO_PCI_VENDOR		0x1af4
#define VIRTIO_PCI_DEVICE_MODERN	0x1040
#define VIRTIO_PCI_DEVICE_LEGACY	0x1000	/* transitional: 0x1000.. */
#define VIRTIO_PCI_SUBSYSTEM_ID		0x2e	/* transitional: the type */

/* 4.1.4: a vendor capability: which structure, in which BAR, where. */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_TYPES		5	/* 1..4 are used here */
#define VIRTIO_PCI_CAP_CFG_TYPE		3	/* byte offsets in the cap */
#define VIRTIO_PCI_CAP_BAR		4
#define VIRTIO_PCI_CAP_OFFSET		8
#define VIRTIO_PCI_CAP_LENGTH		12
#define VIRTIO_PCI_NOTIFY_MULTIPLIER	16

/* 4.1.4.3: the common configuration structure's fields. */
#define VIRTIO_PCI_DEVICE_FEATURE_SELECT 0x00	/* 32 bits each */
#define VIRTIO_PCI_DEVICE_FEATURE	0x04
#define VIRTIO_PCI_DRIVER_FEATURE_SELECT 0x08
#define VIRTIO_PCI_DRIVER_FEATURE	0x0c
#define VIRTIO_PCI_NUM_QUEUES		0x12	/* 16 */
#define VIRTIO_PCI_DEVICE_STATUS	0x14	/* 8 */
#define VIRTIO_PCI_CONFIG_GENERATION	0x15	/* 8 */
#define VIRTIO_PCI_QUEUE_SELECT		0x16	/* 16 */
#define VIRTIO_PCI_QUEUE_SIZE		0x18	/* 16 */
#define VIRTIO_PCI_QUEUE_ENABLE		0x1c	/* 16 */
#define VIRTIO_PCI_QUEUE_NOTIFY_OFF	0x1e	/* 16 */
#define VIRTIO_PCI_QUEUE_DESC		0x20	/* 64, as two 32-bit halves */
#define VIRTIO_PCI_QUEUE_DRIVER		0x28	/* the avail ring */
#define VIRTIO_PCI_QUEUE_DEVICE		0x30	/* the used ring */

/* 4.2.2: virtio over MMIO, version 2: one register file per device. */
#define VIRTIO_MMIO_MAGIC		0x74726976	/* "virt" */
#define VIRTIO_MMIO_VERSION_MODERN	2
#define VIRTIO_MMIO_MAGIC_VALUE		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008	/* 0: no device */
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064

/* Interrupt status bits, in either transport. */
#define VIRTIO_ISR_QUEUE		1	/* a used ring moved */
#define VIRTIO_ISR_CONFIG		2	/* configuration or status changed */
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080	/* each address: low, high */
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100	/* device-specific config */

/* 5.2: the block device. */
#define VIRTIO_BLK_F_RO			5	/* read-only */
#define VIRTIO_BLK_F_FLUSH		9	/* has a write cache to flush */
#define VIRTIO_BLK_CFG_CAPACITY		0	/* le64: 512-byte sectors */
#define VIRTIO_BLK_SECTOR_SIZE		512
#define VIRTIO_BLK_T_IN			0	/* read */
#define VIRTIO_BLK_T_OUT		1	/* write */
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_S_OK			0

struct virtio_blk_req {
	u32 type;
	u32 reserved;
	u64 sector;
};

/* 5.3: the console; without VIRTIO_CONSOLE_F_MULTIPORT, port 0 only. */
#define VIRTIO_CONSOLE_RECEIVEQ		0
#define VIRTIO_CONSOLE_TRANSMITQ	1

/* 5.4: the entropy device has a single queue. */
#define VIRTIO_RNG_REQUESTQ		0

#endif /* GUEST_VIRTIO_SPEC_H */
