/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_spec.h - the numbers and layouts of the virtio 1.x specification,
 * for the guest's drivers and the launcher's devices alike.
 *
 * They are the specification's, not ligeiro's, which is why they live
 * here, in the one folder both include, and not in hv/uapi/ligeiro.h (the
 * module never looks inside a virtqueue).  Linux's own uapi headers say
 * the same, but do not mix with the freestanding guest's types.  Each group names the section of "Virtual I/O
 * Device (VIRTIO) Version 1.2" it comes from; the layouts of the split
 * virtqueue are written out as C structs because the device reads them
 * straight out of guest memory.  Everything is little endian, as virtio
 * 1.x is, which on x86-64 means as the host stores it.
 *
 * The book introduces these in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read guest/drivers/virtio.h next.
 */
#ifndef LIGEIRO_VIRTIO_SPEC_H
#define LIGEIRO_VIRTIO_SPEC_H

#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtio 1.x is little endian; so must the host be");

/* 2.1 Device Status Field: bits the driver sets as it goes along. */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64	/* set by the device only */
#define VIRTIO_STATUS_FAILED		128

/* 6 Reserved Feature Bits, and 2.7.10's event index; bit numbers. */
#define VIRTIO_RING_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_BIT(n)			(1ull << (n))

/* 5: device IDs. */
#define VIRTIO_ID_NONE		0	/* 4.2.2: "no device here" */
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4

/* 2.7.5 The Virtqueue Descriptor Table. */
#define VIRTQ_DESC_F_NEXT	1	/* the chain goes on at .next */
#define VIRTQ_DESC_F_WRITE	2	/* the device writes, not reads */
#define VIRTQ_DESC_F_INDIRECT	4	/* .addr holds more descriptors */

/* 2.7.6 / 2.7.8: the driver's and the device's "don't bother me". */
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

/* 2.7: what each part of a split virtqueue must be aligned to. */
#define VIRTQ_DESC_ALIGN	16
#define VIRTQ_AVAIL_ALIGN	2
#define VIRTQ_USED_ALIGN	4

/* 2.7.5: one descriptor, 16 bytes. */
struct virtq_desc {
	uint64_t addr;		/* guest-physical */
	uint32_t len;
	uint16_t flags;		/* VIRTQ_DESC_F_* */
	uint16_t next;
};

/*
 * 2.7.6: the available ring, written by the driver.  After ring[size]
 * comes used_event, read only with VIRTIO_F_RING_EVENT_IDX.
 */
struct virtq_avail {
	uint16_t flags;		/* VIRTQ_AVAIL_F_* */
	uint16_t idx;		/* where the driver puts the next head */
	uint16_t ring[];
};

/* 2.7.8: the used ring, written by the device; avail_event follows it. */
struct virtq_used_elem {
	uint32_t id;		/* the head of the chain we are done with */
	uint32_t len;		/* bytes we wrote into it */
};

struct virtq_used {
	uint16_t flags;		/* VIRTQ_USED_F_* */
	uint16_t idx;
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

/* 4.2.2 MMIO Device Register Layout (version 2), byte offsets. */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
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
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt", little endian */
#define VIRTIO_MMIO_VERSION_2	2

/* 4.2.2 InterruptStatus, 4.1.4.5 the PCI ISR: the same two bits. */
#define VIRTIO_ISR_QUEUE	1	/* a used ring moved */
#define VIRTIO_ISR_CONFIG	2	/* configuration or status changed */

/* 5.3 Console Device: without MULTIPORT, queue 0 receives, 1 transmits. */
#define VIRTIO_CONSOLE_RECEIVEQ		0
#define VIRTIO_CONSOLE_TRANSMITQ	1

/* 5.4 Entropy Device: a single queue. */
#define VIRTIO_RNG_REQUESTQ		0

/* 5.2 Block Device: feature bits, the request's header, types, status. */
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9

#define VIRTIO_BLK_CFG_CAPACITY	0	/* le64, in sectors */
#define VIRTIO_BLK_SECTOR_SIZE	512	/* the unit of sectors */
#define VIRTIO_BLK_SECTOR_TEXT	"512"	/* the same, for messages */
#define VIRTIO_BLK_ID_BYTES	20	/* GET_ID's answer, NUL-padded */

struct virtio_blk_req_hdr {
	uint32_t type;		/* VIRTIO_BLK_T_* */
	uint32_t reserved;
	uint64_t sector;
};

#define VIRTIO_BLK_T_IN		0	/* read from the disk */
#define VIRTIO_BLK_T_OUT	1	/* write to it */
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#endif /* LIGEIRO_VIRTIO_SPEC_H */
