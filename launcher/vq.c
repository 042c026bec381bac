// SPDX-License-Identifier: GPL-2.0
/*
 * vq.c - taking requests from a split virtqueue and giving them back.
 *
 * The driver and the device share three rings in guest memory and never
 * lock them: each side writes only its own fields and publishes them by
 * moving a free-running 16-bit index, so the order of the writes is the
 * whole protocol.  The device reads avail->idx with acquire semantics
 * before it reads the ring entries and descriptors it covers, and writes
 * used->idx with release semantics after the used entries.  Every value
 * the guest wrote is loaded exactly once: checking a field and then
 * reading it again would let a guest change it in between.
 *
 * The checks are the point of this file.  A descriptor index, a buffer's
 * address and length, the length of a chain, how far avail->idx may run
 * ahead: each is a number the guest chose, and each could otherwise make
 * the launcher read or write outside guest memory, or loop forever.
 *
 * The book explains the split virtqueue in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read mmio.c next.
 */
#include <string.h>

#include <ligeiro.h>

#include "vq.h"

/* A guest-written field, loaded once (the compiler may not reload it). */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Is [addr, addr + len) inside guest memory?  Written not to overflow. */
static bool inside(const struct guest_mem *mem, uint64_t addr, uint64_t len)
{
	return addr <= mem->size && len <= mem->size - addr;
}

/* The fields after the rings, 2.7.6 and 2.7.8: only used with EVENT_IDX. */
static uint16_t *used_event(struct vq *vq)
{
	return &vq->avail->ring[vq->size];
}

static uint16_t *avail_event(struct vq *vq)
{
	return (uint16_t *)((unsigned char *)vq->used->ring +
			    sizeof(struct virtq_used_elem) * vq->size);
}

void guest_mem_dirty(const struct guest_mem *mem, const void *p, size_t len)
{
	uint64_t page, first, last;

	if (!mem->dirty || !len)
		return;
	first = ((const unsigned char *)p - mem->base) / LIGEIRO_PAGE_SIZE;
	last = ((const unsigned char *)p - mem->base + len - 1) /
	       LIGEIRO_PAGE_SIZE;
	for (page = first; page <= last; page++)
		mem->dirty[page / 64] |= 1ull << (page % 64);
}

/* The used ring, event field included: what the device writes itself. */
static void used_dirty(struct vq *vq)
{
	guest_mem_dirty(vq->mem, vq->used, sizeof(struct virtq_used) +
			sizeof(struct virtq_used_elem) * vq->size + 2);
}

int vq_configure(struct vq *vq, const struct guest_mem *mem, uint32_t size,
		 uint64_t desc, uint64_t avail, uint64_t used, bool event_idx)
{
	memset(vq, 0, sizeof(*vq));
	/* A power of two divides 2^16: the free-running indices stay valid. */
	if (!size || size > VQ_MAX_SIZE || (size & (size - 1)))
		return -VQ_ERR_SIZE;
	/* mem->base is page aligned: so are the host pointers, then. */
	if (desc % VIRTQ_DESC_ALIGN || avail % VIRTQ_AVAIL_ALIGN ||
	    used % VIRTQ_USED_ALIGN)
		return -VQ_ERR_ALIGN;
	/* Sizes from 2.7, counting the event fields whether used or not. */
	if (!inside(mem, desc, sizeof(struct virtq_desc) * size) ||
	    !inside(mem, avail, sizeof(struct virtq_avail) + 2 * size + 2) ||
	    !inside(mem, used, sizeof(struct virtq_used) +
		    sizeof(struct virtq_used_elem) * size + 2))
		return -VQ_ERR_RING;
	vq->mem = mem;
	vq->desc = (struct virtq_desc *)(mem->base + desc);
	vq->avail = (struct virtq_avail *)(mem->base + avail);
	vq->used = (struct virtq_used *)(mem->base + used);
	vq->event_idx = event_idx;
	vq->size = size;
	return 0;
}

/* Follow the chain from @head, checking every descriptor, into @c. */
static int walk(struct vq *vq, uint16_t head, struct chain *c)
{
	/* LAB(virtio): begin */
	uint64_t readable = 0, writable = 0, addr;
	uint16_t i = head, flags;
	uint32_t len;

	c->head = head;
	c->n = c->nr_readable = 0;
	for (;;) {
		if (i >= vq->size)
			return -VQ_ERR_INDEX;
		/* Distinct indices are at most size: more is a loop. */
		if (c->n == vq->size)
			return -VQ_ERR_LOOP;
		addr = LOAD(vq->desc[i].addr);
		len = LOAD(vq->desc[i].len);
		flags = LOAD(vq->desc[i].flags);
		if (flags & VIRTQ_DESC_F_INDIRECT)
			return -VQ_ERR_INDIRECT;
		if (!inside(vq->mem, addr, len))
			return -VQ_ERR_BUFFER;
		if (flags & VIRTQ_DESC_F_WRITE) {
			writable += len;
		} else {
			if (c->n > c->nr_readable)
				return -VQ_ERR_ORDER;
			readable += len;
			c->nr_readable++;
		}
		c->buf[c->n].p = vq->mem->base + addr;
		c->buf[c->n].len = len;
		c->n++;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		i = LOAD(vq->desc[i].next);
	}
	/* At most 256 lengths below 2^32 each: the sums cannot overflow. */
	if (readable + writable > UINT32_MAX)
		return -VQ_ERR_TOO_BIG;
	c->readable = readable;
	c->writable = writable;
	return 0;
	/* LAB(virtio): end */
}

int vq_pop(struct vq *vq, struct chain *c)
{
	uint16_t avail_idx, head;
	unsigned int i;
	int err;

	if (!vq->size)
		return 0;
	/* Acquire: the ring entries and descriptors it covers come after. */
	avail_idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	if (avail_idx == vq->last_avail) {
		if (!vq->event_idx)
			return 0;
		/*
		 * Ask to be notified of the next buffer, then look again:
		 * the driver may have added one before it saw our request,
		 * and then it will not notify us.  The fence orders our
		 * store before the load, as the driver orders its own pair.
		 */
		used_dirty(vq);
		STORE(*avail_event(vq), vq->last_avail);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail_idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
		if (avail_idx == vq->last_avail)
			return 0;
	}
	/* The driver can have at most size chains outstanding. */
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size)
		return -VQ_ERR_AVAIL_IDX;
	head = LOAD(vq->avail->ring[vq->last_avail & (vq->size - 1)]);
	err = walk(vq, head, c);
	if (err)
		return err;
	for (i = c->nr_readable; i < c->n; i++)
		guest_mem_dirty(vq->mem, c->buf[i].p, c->buf[i].len);
	vq->last_avail++;
	return 1;
}

void vq_push(struct vq *vq, uint16_t head, uint32_t written)
{
	struct virtq_used_elem *e = &vq->used->ring[vq->used_idx &
						     (vq->size - 1)];

	used_dirty(vq);
	STORE(e->id, head);
	STORE(e->len, written);
	vq->used_idx++;
	/* Release: the driver must see the element before the index. */
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

bool vq_need_interrupt(struct vq *vq, uint16_t old_used)
{
	if (!vq->size || vq->used_idx == old_used)
		return false;
	/*
	 * Our used->idx store must be visible before we read what the
	 * driver wants: it reads them in the other order.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx)
		return vq_need_event(LOAD(*used_event(vq)), vq->used_idx,
				     old_used);
	return !(LOAD(vq->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

const char *vq_strerror(int err)
{
	static const char *const what[] = {
		[VQ_ERR_SIZE]		= "queue size not a power of two up to the maximum",
		[VQ_ERR_ALIGN]		= "ring address misaligned",
		[VQ_ERR_RING]		= "ring outside guest memory",
		[VQ_ERR_AVAIL_IDX]	= "available index more than a queue ahead",
		[VQ_ERR_INDEX]		= "descriptor index beyond the queue",
		[VQ_ERR_LOOP]		= "chain longer than the queue (a loop?)",
		[VQ_ERR_BUFFER]		= "buffer outside guest memory",
		[VQ_ERR_ORDER]		= "readable buffer after a writable one",
		[VQ_ERR_INDIRECT]	= "indirect descriptor, not offered",
		[VQ_ERR_TOO_BIG]	= "chain of more than 4 GiB",
		[VQ_ERR_LAB]		= "LAB virtio: walk() is not written yet",
	};

	err = -err;
	if (err <= 0 || err >= (int)(sizeof(what) / sizeof(what[0])))
		return "unknown error";
	return what[err];
}

size_t chain_walk(const struct chain *c, bool writable, size_t off,
		  size_t len, chain_fn *fn, void *arg)
{
	unsigned int i = writable ? c->nr_readable : 0;
	unsigned int end = writable ? c->n : c->nr_readable;
	size_t done = 0, n;

	for (; i < end && done < len; i++) {
		if (off >= c->buf[i].len) {
			off -= c->buf[i].len;
			continue;
		}
		n = c->buf[i].len - off;
		if (n > len - done)
			n = len - done;
		if (fn(arg, c->buf[i].p + off, n))
			break;
		done += n;
		off = 0;
	}
	return done;
}

/* chain_walk() functions for a flat buffer: @arg is where it is now. */
static int from_chain(void *arg, unsigned char *p, size_t n)
{
	unsigned char **flat = arg;

	memcpy(*flat, p, n);
	*flat += n;
	return 0;
}

static int to_chain(void *arg, unsigned char *p, size_t n)
{
	unsigned char **flat = arg;

	memcpy(p, *flat, n);
	*flat += n;
	return 0;
}

size_t chain_read(const struct chain *c, size_t off, void *dst, size_t len)
{
	unsigned char *flat = dst;

	return chain_walk(c, false, off, len, from_chain, &flat);
}

size_t chain_write(struct chain *c, size_t off, const void *src, size_t len)
{
	unsigned char *flat = (unsigned char *)src;

	return chain_walk(c, true, off, len, to_chain, &flat);
}
