// SPDX-License-Identifier: GPL-2.0
/*
 * rng.c - the entropy device: the guest's randomness is the host's.
 *
 * The simplest device there is: the driver hands over writable buffers
 * and the device fills them with random bytes, here from /dev/urandom.
 * The file is opened once, at startup, so a launcher that cannot have it
 * says so before the guest starts, not in the middle of its run.
 *
 * The book describes it in "Virtual devices: virtio" (book/09-virtio.md).
 * Read snapshot.h next.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devices.h"
#include "run.h"

#define URANDOM	"/dev/urandom"

static int urandom = -1;

static int fill(unsigned char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = read(urandom, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (!n)
			errno = EIO;	/* a character device that ended */
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static void serve(struct vdev *d, unsigned int q)
{
	static bool reported;
	uint32_t done;
	struct chain c;
	unsigned int i;

	while (virtio_pop(d, q, &c) > 0) {
		done = 0;
		for (i = c.nr_readable; i < c.n; i++) {
			if (fill(c.buf[i].p, c.buf[i].len)) {
				if (!reported)
					say("virtio-rng: reading " URANDOM ": %s",
					    strerror(errno));
				reported = true;
				break;
			}
			done += c.buf[i].len;
		}
		/* What we could fill: the driver asks again for the rest. */
		vq_push(&d->q[q].vq, c.head, done);
	}
}

static const struct virtio_ops rng_ops = {
	.name = "rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.serve = serve,
};

int rng_create(struct vdev *d)
{
	if (urandom < 0)
		urandom = open(URANDOM, O_RDONLY | O_CLOEXEC);
	if (urandom < 0) {
		say(URANDOM ": %s", strerror(errno));
		return LIGEIRO_EXIT_INTERNAL;
	}
	d->ops = &rng_ops;
	return 0;
}
