// SPDX-License-Identifier: GPL-2.0
/*
 * blk.c - the block device: a file on the host as the guest's disk.
 *
 * A request is one chain: a 16-byte header the device reads (type and
 * first sector), then the data (read for a write, written for a read),
 * then one status byte the device writes - always the last writable byte,
 * wherever the driver's descriptors happen to split the rest (2.6.4).
 * The chain's buffers are already known to lie in guest memory (vq.c);
 * what is left to check here is the request itself, above all that it
 * stays inside the disk: a sector the guest names must never become a
 * read or write anywhere else in the host's file.
 *
 * The book describes the device in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read console.c next.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "run.h"

struct blk {
	int fd;
	bool ro;
	uint64_t sectors;	/* the capacity, in VIRTIO_BLK_SECTOR_SIZE */
};

static struct blk disk = { .fd = -1 };

/* All of @len bytes between guest memory and the file at @pos. */
static int file_io(int fd, unsigned char *p, size_t len, uint64_t pos,
		   bool to_file)
{
	ssize_t n;

	while (len) {
		n = to_file ? pwrite(fd, p, len, pos) : pread(fd, p, len, pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* 0: the file shrank under us */
			return -1;
		p += n;
		len -= n;
		pos += n;
	}
	return 0;
}

/* A chain_walk() function: each piece of the data to or from the file. */
struct file_pos {
	int fd;
	uint64_t pos;
	bool to_file;
};

static int file_piece(void *arg, unsigned char *p, size_t n)
{
	struct file_pos *f = arg;

	if (file_io(f->fd, p, n, f->pos, f->to_file))
		return -1;
	f->pos += n;
	return 0;
}

/*
 * IN and OUT.  The data is the readable bytes after the header (OUT) or
 * the writable ones before the status byte (IN).
 */
static uint8_t transfer(struct blk *b, struct chain *c, uint64_t sector,
			bool out)
{
	/* LAB(virtio): begin */
	size_t off = out ? sizeof(struct virtio_blk_req_hdr) : 0;
	size_t len = out ? c->readable - off : c->writable - 1u;
	struct file_pos f = {
		b->fd, sector * VIRTIO_BLK_SECTOR_SIZE, out,
	};

	if (out && b->ro)
		return VIRTIO_BLK_S_IOERR;	/* 5.2.6.2 */
	/* The data must go the request's way: no readable IN data. */
	if (out ? c->writable != 1 :
	    c->readable != sizeof(struct virtio_blk_req_hdr))
		return VIRTIO_BLK_S_IOERR;
	/* Written so that neither sum nor product can overflow. */
	if (len % VIRTIO_BLK_SECTOR_SIZE || sector > b->sectors ||
	    len / VIRTIO_BLK_SECTOR_SIZE > b->sectors - sector)
		return VIRTIO_BLK_S_IOERR;
	if (chain_walk(c, !out, off, len, file_piece, &f) != len)
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
	/* LAB(virtio): end */
}

static uint8_t request(struct blk *b, struct chain *c,
		       const struct virtio_blk_req_hdr *h)
{
	/* LAB(virtio): begin */
	static const char id[VIRTIO_BLK_ID_BYTES] = "ligeiro";

	switch (h->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return transfer(b, c, h->sector, h->type == VIRTIO_BLK_T_OUT);
	case VIRTIO_BLK_T_FLUSH:
		return fsync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		chain_write(c, 0, id, c->writable - 1u < sizeof(id) ?
			    c->writable - 1u : sizeof(id));
		return VIRTIO_BLK_S_OK;
	}
	return VIRTIO_BLK_S_UNSUPP;
	/* LAB(virtio): end */
}

static void serve(struct vdev *d, unsigned int q)
{
	struct virtio_blk_req_hdr h;
	struct chain c;
	uint8_t status;

	while (virtio_pop(d, q, &c) > 0) {
		if (c.readable < sizeof(h) || !c.writable) {
			virtio_fault(d, "request %u has %u readable and %u writable bytes, no room for a header and a status",
				     c.head, c.readable, c.writable);
			return;
		}
		chain_read(&c, 0, &h, sizeof(h));
		status = request(d->priv, &c, &h);
		chain_write(&c, c.writable - 1u, &status, 1);
		/* As QEMU: the writable part counts as written (2.7.8.2). */
		vq_push(&d->q[q].vq, c.head, c.writable);
	}
}

static const struct virtio_ops blk_ops = {
	.name = "blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.serve = serve,
};

int blk_create(struct vdev *d, const char *path, bool ro)
{
	const char *problem = NULL;
	struct stat st;
	off_t size = 0;

	if (disk.fd >= 0)
		close(disk.fd);
	disk.fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (disk.fd < 0)
		problem = strerror(errno);
	else if (fstat(disk.fd, &st) ||
		 !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		problem = "not a file or a block device";
	/* lseek, not st_size: it also sizes a block device. */
	else if ((size = lseek(disk.fd, 0, SEEK_END)) < 0)
		problem = strerror(errno);
	else if (size % VIRTIO_BLK_SECTOR_SIZE)
		problem = "its size is not a whole number of "
			  VIRTIO_BLK_SECTOR_TEXT "-byte sectors";
	if (problem) {
		say("--disk=%s: %s", path, problem);
		if (disk.fd >= 0)
			close(disk.fd);
		disk.fd = -1;
		return LIGEIRO_EXIT_USAGE;
	}
	disk.ro = ro;
	disk.sectors = size / VIRTIO_BLK_SECTOR_SIZE;
	d->ops = &blk_ops;
	d->priv = &disk;
	d->features |= VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	if (ro)
		d->features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	/* 5.2.4: the configuration starts with the 64-bit capacity. */
	memcpy(d->config, &disk.sectors, sizeof(disk.sectors));
	return 0;
}
