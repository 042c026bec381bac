/*
 * stubs.c - what a student tree of the virtio lab has in place of the
 * marked bodies (labs/mklab.py): each fails at once, and says why.
 */
/* guest/drivers/virtio.c vq_add() */
	(void)vq;
	(void)bufs;
	(void)out;
	(void)in;
	(void)token;
	printf("LAB virtio: vq_add() is not written yet\n");
	pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	return -1;
/* guest/drivers/virtio.c vq_get() */
	(void)used_event;	/* the helpers above are yours to use */
	(void)vq;
	(void)len;
	printf("LAB virtio: vq_get() is not written yet\n");
	pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	return NULL;
/* launcher/blk.c transfer() */
	(void)b;
	(void)c;
	(void)sector;
	(void)out;
	(void)file_piece;	/* the helpers above are yours to use */
	say("LAB virtio: transfer() is not written yet");
	return VIRTIO_BLK_S_IOERR;
/* launcher/blk.c request() */
	(void)b;
	(void)c;
	(void)h;
	(void)transfer;
	say("LAB virtio: request() is not written yet");
	return VIRTIO_BLK_S_IOERR;
/* launcher/vq.c walk() */
	(void)inside;	/* the helpers above are yours to use */
	(void)vq;
	(void)head;
	(void)c;
	return -VQ_ERR_LAB;
