/*
 * badring.c - the `badring` program: the guest breaks its own disk queue.
 *
 * A hostile guest's view of virtio: a descriptor chain that loops.  The
 * launcher's device must refuse it and ask for a reset, and the host must
 * stay clean (tests/host/virtio.sh).  It runs in the kernel, after the
 * drivers have started, instead of a first process.
 *
 * Book: book/09-virtio.md, "Trusting nothing in the ring".  Read
 * launcher/devices.h next.
 */
#include "drivers/virtio.h"
#include "lib/result.h"

/**
 * blk_badring() - the `badring` program: break our own ring, as a hostile
 * guest would, and see what the device does about it.
 *
 * Descriptor 0 is made to point at itself and offered.  A device that
 * followed it would loop forever; ours must refuse the chain and set
 * DEVICE_NEEDS_RESET, which is what the virtio specification gives a
 * device that finds the driver broken.  The harness checks the rest:
 * that the launcher said why and the host stayed clean.
 */
void blk_badring(void)
{
	static struct virtio_blk_req_hdr hdr;
	struct virtqueue *vq = blk_queue();
	u8 status;

	if (!vq) {
		result_fail("virtio.badring", "no disk");
		result_finish();
	}
	vq->desc[0] = (struct virtq_desc){
		.addr = (u64)&hdr, .len = sizeof(hdr),
		.flags = VIRTQ_DESC_F_NEXT, .next = 0,
	};
	vq->avail->ring[vq->avail_idx % vq->size] = 0;
	asm volatile("" : : : "memory");	/* the entry, then the index */
	vq->avail->idx = ++vq->avail_idx;
	asm volatile("mfence" : : : "memory");
	vq->dev->ops->notify(vq);
	status = vq->dev->ops->get_status(vq->dev);
	if (status & VIRTIO_STATUS_NEEDS_RESET)
		result_pass("virtio.badring", "status %#x: needs reset", status);
	else
		result_fail("virtio.badring", "status %#x: the device took a "
			    "looping chain", status);
	result_finish();
}
