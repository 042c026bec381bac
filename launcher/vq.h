/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vq.h - the device's side of one split virtqueue.
 *
 * Everything in a virtqueue - ring addresses, indices, descriptors,
 * buffer addresses and lengths - is written by the guest, which may be
 * buggy or hostile, and read by the launcher, which has all of guest
 * memory and the host's files at hand.  So this is where every such value
 * is checked, once, before any device looks at a buffer: a device gets
 * only host pointers that lie inside guest memory.  The code needs no
 * module and no globals, so tests/unit/test_vq.c feeds it hostile rings.
 *
 * The book walks through it in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read vq.c next.
 */
#ifndef LIGEIRO_LAUNCHER_VQ_H
#define LIGEIRO_LAUNCHER_VQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio_spec.h"

/*
 * The launcher's mapping of guest-physical memory 0..size.  While a
 * migration copies it (migrate.c), @dirty is a bitmap of its pages in
 * 64-bit words, and every page a device writes is marked there: the
 * module logs only what the guest and the hypervisor write.
 */
struct guest_mem {
	unsigned char *base;
	uint64_t size;
	uint64_t *dirty;
};

/* The pages of [p, p + len) in @mem will be written: mark them dirty. */
void guest_mem_dirty(const struct guest_mem *mem, const void *p, size_t len);

/*
 * The largest queue we offer (QueueNumMax).  A chain can be no longer
 * than its queue, so this also bounds struct chain.
 */
#define VQ_MAX_SIZE	256

/* Why a ring was refused; vq_strerror() says it in words. */
enum vq_error {
	VQ_ERR_SIZE = 1,	/* 0, above VQ_MAX_SIZE or not a power of 2 */
	VQ_ERR_ALIGN,		/* a ring address misaligned */
	VQ_ERR_RING,		/* a ring not inside guest memory */
	VQ_ERR_AVAIL_IDX,	/* more than a queue's worth available */
	VQ_ERR_INDEX,		/* a descriptor index >= the queue size */
	VQ_ERR_LOOP,		/* a chain longer than the queue */
	VQ_ERR_BUFFER,		/* a buffer not inside guest memory */
	VQ_ERR_ORDER,		/* a readable buffer after a writable */
	VQ_ERR_INDIRECT,	/* an indirect descriptor: not offered */
	VQ_ERR_TOO_BIG,		/* more than a used length can count */
	VQ_ERR_LAB,		/* a lab's stub (labs/virtio) */
};

struct vq {
	const struct guest_mem *mem;
	uint16_t size;		/* 0: not configured, always empty */
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	uint16_t last_avail;	/* free-running: the next head to take */
	uint16_t used_idx;	/* free-running: our copy of used->idx */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
};

/* One buffer of a chain, already translated and checked. */
struct chain_buf {
	unsigned char *p;
	uint32_t len;
};

/*
 * A chain taken from the ring: buf[0..nr_readable) are the device-readable
 * buffers, buf[nr_readable..n) the writable ones.
 */
struct chain {
	uint16_t head;
	unsigned int n, nr_readable;
	uint32_t readable, writable;	/* their total lengths */
	struct chain_buf buf[VQ_MAX_SIZE];
};

/**
 * vq_configure() - check a queue's rings and make it usable.
 * @vq: the queue; on failure it stays unconfigured (size 0).
 * @mem: guest memory, which must outlive the queue.
 * @size: QueueNum, a power of two from 1 to VQ_MAX_SIZE.
 * @desc, @avail, @used: guest-physical addresses of the three rings.
 * @event_idx: whether VIRTIO_RING_F_EVENT_IDX was negotiated.
 *
 * Return: 0, or -VQ_ERR_SIZE, -VQ_ERR_ALIGN or -VQ_ERR_RING.
 */
int vq_configure(struct vq *vq, const struct guest_mem *mem, uint32_t size,
		 uint64_t desc, uint64_t avail, uint64_t used, bool event_idx);

/**
 * vq_pop() - take the next available chain.
 * @vq: the queue.
 * @c: filled in with the chain's head and buffers.
 *
 * The chain is checked whole before anything is returned, and is taken
 * only if it passes.  With EVENT_IDX, finding the ring empty also asks the
 * driver to notify us when it adds the next buffer (avail_event).
 *
 * Return: 1 with a chain, 0 if none is available, or -VQ_ERR_* naming
 * what was wrong with the ring.
 */
int vq_pop(struct vq *vq, struct chain *c);

/**
 * vq_push() - give a chain back to the driver.
 * @vq: the queue.
 * @head: the chain's head, from vq_pop().
 * @written: how many bytes the device wrote into its writable buffers.
 */
void vq_push(struct vq *vq, uint16_t head, uint32_t written);

/**
 * vq_need_interrupt() - does the driver want to hear of what we pushed?
 * @vq: the queue.
 * @old_used: used_idx before the pushes in question.
 */
bool vq_need_interrupt(struct vq *vq, uint16_t old_used);

/*
 * 2.7.10's test: the driver asked to be told once the used index passes
 * @event; did going from @old to @new pass it?  All three wrap at 2^16,
 * so the distances are computed in 16 bits.
 */
static inline bool vq_need_event(uint16_t event, uint16_t new, uint16_t old)
{
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

/* What a -VQ_ERR_* return means, for messages. */
const char *vq_strerror(int err);

/*
 * The one way through a chain's bytes: chain_walk() calls @fn(@arg, p, n)
 * for each piece of bytes [@off, @off + @len) of its readable part (or,
 * if @writable, of its writable part), whatever the descriptors' sizes,
 * and stops early if @fn returns non-zero.  Return how many bytes @fn
 * took: fewer if the chain ends or @fn failed.
 */
typedef int chain_fn(void *arg, unsigned char *p, size_t n);
size_t chain_walk(const struct chain *c, bool writable, size_t off,
		  size_t len, chain_fn *fn, void *arg);

/* Copy between a chain and a flat buffer, with chain_walk(). */
size_t chain_read(const struct chain *c, size_t off, void *dst, size_t len);
size_t chain_write(struct chain *c, size_t off, const void *src, size_t len);

#endif /* LIGEIRO_LAUNCHER_VQ_H */
