// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - the console device: the guest's stdout and stdin are ours.
 *
 * Transmitting is simple: every readable byte of a transmitq chain goes to
 * our stdout.  Receiving is the interesting half, because bytes arrive
 * while the vCPU thread is inside LIGEIRO_RUN, running the guest.  So a
 * second thread does nothing but read stdin: it puts what it read in a
 * small buffer and raises the console's interrupt line (LIGEIRO_IRQ may
 * be called while another thread is in RUN).  That makes the guest leave
 * its halt and take the interrupt; its driver reads the interrupt status,
 * an exit to us, and every exit passes through devices_poll(), which
 * moves the buffer into the guest's receive buffers.  The line is latched
 * in the module, so no byte can slip between a check and the next RUN.
 * Bytes the guest has no buffer for yet wait in ours, and in stdin
 * behind it, until the driver adds receive buffers.
 *
 * The reader also knows the console's one command, an escape as telnet
 * and virsh have (not QEMU's Ctrl-A, which the QEMU around the host
 * takes for itself): once --save or --migrate is given, Ctrl-] s saves
 * or moves the guest (what SIGUSR1 does, migrate.h), and Ctrl-] Ctrl-]
 * is one Ctrl-] for the guest.  Without them every byte is the guest's.
 * A terminal in line mode hands the keys over at Enter.
 *
 * The book describes the device in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read rng.c next.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devices.h"
#include "migrate.h"
#include "run.h"

#define ESCAPE		(']' & 0x1f)	/* Ctrl-], then a command */
#define CMD_OUTGOING	's'		/* save or migrate */

struct console {
	pthread_mutex_t lock;	/* the reader thread and the vCPU's */
	pthread_cond_t room;	/* the reader waits for it */
	int irq_fd;		/* the VM, to raise our line */
	unsigned int line;
	size_t npending;
	unsigned char pending[256];	/* read, not yet received */
	struct console_escape esc;	/* between two reads */
};

static struct console cons = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.room = PTHREAD_COND_INITIALIZER,
};

size_t console_commands(struct console_escape *e, const unsigned char *in,
			size_t n, unsigned char *out, bool *asked)
{
	size_t i, len = 0;

	*asked = false;
	for (i = 0; i < n; i++) {
		if (e->held) {
			e->held = false;
			if (in[i] == CMD_OUTGOING) {
				*asked = true;
				continue;
			}
			if (in[i] != ESCAPE)
				out[len++] = ESCAPE;
		} else if (in[i] == ESCAPE && e->armed) {
			e->held = true;
			continue;
		}
		out[len++] = in[i];
	}
	return len;
}

/* The reader thread: stdin into the buffer, then a raised line. */
static void *reader(void *arg)
{
	struct console *con = arg;
	unsigned char buf[sizeof(con->pending) - 1], out[sizeof(con->pending)];
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	ssize_t n;
	size_t room, len;
	bool asked;

	for (;;) {
		/* Room for what a read can make: one byte more than it read. */
		pthread_mutex_lock(&con->lock);
		while (con->npending > sizeof(con->pending) - 2)
			pthread_cond_wait(&con->room, &con->lock);
		room = sizeof(con->pending) - con->npending - 1;
		pthread_mutex_unlock(&con->lock);
		n = read(STDIN_FILENO, buf, room);
		if (n < 0 && errno == EINTR)
			continue;
		/* A non-blocking stdin (one open file with stdout): wait. */
		if (n < 0 && errno == EAGAIN) {
			poll(&in, 1, -1);
			continue;
		}
		if (n <= 0) {
			if (n)
				say("virtio-console: reading stdin: %s",
				    strerror(errno));
			return NULL;	/* end of input, for good */
		}
		len = console_commands(&con->esc, buf, n, out, &asked);
		/* To the vCPU's thread: this one blocks every signal. */
		if (asked)
			kill(getpid(), SIGUSR1);
		if (!len)
			continue;
		pthread_mutex_lock(&con->lock);
		memcpy(con->pending + con->npending, out, len);
		con->npending += len;
		pthread_mutex_unlock(&con->lock);
		ioctl(con->irq_fd, LIGEIRO_IRQ, con->line);
	}
}

/* Fill receive buffers while there are both bytes and buffers. */
static void receive(struct vdev *d, struct console *con)
{
	struct chain c;
	size_t n;

	pthread_mutex_lock(&con->lock);
	while (con->npending && virtio_pop(d, VIRTIO_CONSOLE_RECEIVEQ, &c) > 0) {
		n = chain_write(&c, 0, con->pending, con->npending);
		con->npending -= n;
		memmove(con->pending, con->pending + n, con->npending);
		vq_push(&d->q[VIRTIO_CONSOLE_RECEIVEQ].vq, c.head, n);
	}
	pthread_cond_signal(&con->room);
	pthread_mutex_unlock(&con->lock);
}

/* To stdout; once writing failed (and was reported), output is dropped. */
static void transmit(struct vdev *d)
{
	static bool broken;
	struct chain c;
	unsigned int i;

	while (virtio_pop(d, VIRTIO_CONSOLE_TRANSMITQ, &c) > 0) {
		for (i = 0; i < c.nr_readable && !broken; i++)
			broken = write_out(c.buf[i].p, c.buf[i].len,
					   "virtio console");
		vq_push(&d->q[VIRTIO_CONSOLE_TRANSMITQ].vq, c.head, 0);
	}
}

static void serve(struct vdev *d, unsigned int q)
{
	if (q == VIRTIO_CONSOLE_TRANSMITQ)
		transmit(d);
	else
		receive(d, d->priv);
}

static const struct virtio_ops console_ops = {
	.name = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.serve = serve,
};

int console_create(struct vdev *d)
{
	/* No feature of its own: one port, no size, no emergency write. */
	d->ops = &console_ops;
	d->priv = &cons;
	return 0;
}

/*
 * Once the VM runs: start reading stdin (at once the end of it, for
 * /dev/null).  The thread takes no signals: SIGINT and friends stay the
 * main thread's.
 */
void console_listen(struct vdev *d)
{
	sigset_t all, old;
	pthread_t t;

	cons.irq_fd = d->vm_fd;
	cons.line = LIGEIRO_MMIO_IRQ + d->slot;
	cons.esc.armed = outgoing_ready();
	/*
	 * Job control's signals stay: a launcher in the background that
	 * reads the terminal is stopped, as any program would be.
	 */
	sigfillset(&all);
	sigdelset(&all, SIGTTIN);
	sigdelset(&all, SIGTTOU);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&t, NULL, reader, &cons))
		say("virtio-console: no input: cannot start a thread");
	else
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* At every exit: whatever input the reader has for the guest. */
void console_input(struct vdev *d)
{
	bool waiting;

	pthread_mutex_lock(&cons.lock);
	waiting = cons.npending;
	pthread_mutex_unlock(&cons.lock);
	if (waiting)
		virtio_kick(d, VIRTIO_CONSOLE_RECEIVEQ);
}
