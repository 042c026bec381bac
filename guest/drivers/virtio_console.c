/*
 * virtio_console.c - the console device (spec 5.3), port 0 only, and
 * the kernel's console input.
 *
 * Without VIRTIO_CONSOLE_F_MULTIPORT the device has one port: queue 0
 * receives, queue 1 transmits.  Once found it takes over the kernel's
 * console (pv_ops.console_write: printf, and programs' SYS_WRITE);
 * otherwise COM1 natively, or the hypercall console under ligeiro, stay.
 *
 * Transmitting is polled: the chain goes out and we spin until the
 * device hands it back.  Console output must work anywhere, inside an
 * interrupt handler or while reporting a fatal fault, where sleeping
 * for an interrupt (virtio_wait()) cannot be done.  So the transmit
 * queue asks for no interrupts.
 *
 * Receiving is interrupt-driven: a few buffers wait on the receive
 * queue; the interrupt handler copies what arrives into a character
 * ring and offers each buffer again.  console_getc() takes from that
 * ring, or from COM1 when there is no virtio console.
 *
 * Book: book/09-virtio.md.  Read virtio_rng.c next.
 */
#include "drivers/serial.h"
#include "drivers/virtio.h"
#include "kernel/irq.h"
#include "lib/lib.h"
#include "lib/printf.h"
#include "pvops/pvops.h"

#define RX_BUFS		4
#define RX_BUF_SIZE	64
#define TX_BUF_SIZE	128
#define INPUT_SIZE	256		/* a power of two: the indices wrap */
#define TX_SPINS	100000000UL	/* seconds of it: the device is gone */

static struct {
	struct virtio_dev *dev;		/* set once it is usable */
	struct virtqueue rx, tx;
	u8 rxbuf[RX_BUFS][RX_BUF_SIZE];
	char txbuf[TX_BUF_SIZE];
	char input[INPUT_SIZE];
	unsigned int in_head, in_tail;	/* free-running */
	bool busy;
	void (*fallback)(const char *s, size_t len);
} cons;

static void post_rx(u8 *buf)
{
	struct vq_buf b = { buf, RX_BUF_SIZE };

	vq_add(&cons.rx, &b, 0, 1, buf);
}

/* What does not fit in the ring is dropped, like a UART's overrun. */
static void cons_irq(void *arg)
{
	struct virtio_dev *dev = arg;
	u32 len, i;
	u8 *buf;

	virtio_ack(dev);
	while ((buf = vq_get(&cons.rx, &len))) {
		for (i = 0; i < len && i < RX_BUF_SIZE; i++) {
			if (cons.in_head - cons.in_tail == INPUT_SIZE)
				break;
			cons.input[cons.in_head++ % INPUT_SIZE] = buf[i];
		}
		post_rx(buf);
	}
	vq_kick(&cons.rx);
}

/* The receive buffers are offered only once the device is live. */
static const char *cons_probe(struct virtio_dev *dev)
{
	const char *err;
	unsigned int i;

	if (cons.dev)
		return "only the first console is used";
	err = vq_setup(dev, VIRTIO_CONSOLE_RECEIVEQ, &cons.rx, false);
	if (!err)
		err = vq_setup(dev, VIRTIO_CONSOLE_TRANSMITQ, &cons.tx, true);
	if (err)
		return err;
	if (!irq_register(dev->irq, cons_irq, dev))
		return "its interrupt line is not one we can take";
	virtio_driver_ok(dev);
	for (i = 0; i < RX_BUFS; i++)
		post_rx(cons.rxbuf[i]);
	vq_kick(&cons.rx);
	cons.dev = dev;
	return NULL;
}

const struct virtio_driver virtio_console_driver = {
	.type	= VIRTIO_ID_CONSOLE,
	.name	= "console",
	.probe	= cons_probe,
};

/*
 * pv_ops.console_write from console_start() on.  Re-entered (a fault
 * while printing) or given up on, it leaves the text to the old console.
 */
static void cons_write(const char *s, size_t len)
{
	struct vq_buf b = { cons.txbuf, 0 };
	unsigned long spins = 0;

	if (cons.busy || cons.dev->broken) {
		cons.fallback(s, len);
		return;
	}
	cons.busy = true;
	for (; len && spins < TX_SPINS; s += b.len, len -= b.len) {
		b.len = len < TX_BUF_SIZE ? len : TX_BUF_SIZE;
		memcpy(cons.txbuf, s, b.len);
		if (vq_add(&cons.tx, &b, 1, 0, cons.txbuf))
			break;
		vq_kick(&cons.tx);
		for (spins = 0; spins < TX_SPINS && !vq_get(&cons.tx, NULL);
		     spins++)
			;
	}
	cons.busy = false;
	if (spins == TX_SPINS) {
		cons.dev->broken = true;
		pv_ops.console_write = cons.fallback;
		printf("virtio: the console stopped taking output\n");
	}
}

/** console_start() - a virtio console, if found, becomes the console. */
void console_start(void)
{
	if (!cons.dev)
		return;
	printf("console: virtio console from here on\n");
	cons.fallback = pv_ops.console_write;
	pv_ops.console_write = cons_write;
}

/**
 * console_has_input() - whether the console can be read at all: it can
 * natively (COM1) and with a virtio console, not under ligeiro without.
 */
bool console_has_input(void)
{
	return cons.dev || guest_mode == GUEST_NATIVE;
}

/**
 * console_getc() - take a received byte; interrupts off, as in the kernel.
 *
 * Return: the byte, or -1 if none has arrived.
 */
int console_getc(void)
{
	if (!cons.dev)
		return console_has_input() ? serial_getc() : -1;
	if (cons.in_tail == cons.in_head)
		return -1;
	return (u8)cons.input[cons.in_tail++ % INPUT_SIZE];
}
