// SPDX-License-Identifier: GPL-2.0
/*
 * test_vq.c - hostile virtqueues against the launcher's device side.
 *
 * launcher/vq.c is what stands between rings a guest writes and the
 * launcher's own memory, so each case here builds rings the way a broken
 * or malicious driver would - an index past the table, a chain that loops,
 * a buffer that runs off the end of memory or wraps around 2^64, rings
 * misaligned or outside memory - and checks that it is refused *for that
 * reason* (the -VQ_ERR_* code), one boundary case beside it accepted.
 * Then the arithmetic that is easy to get wrong: free-running indices
 * across their wrap at 2^16, and the event-index test.  Last, whole
 * requests through the virtio-mmio register file (launcher/mmio.c) and the
 * block device (launcher/blk.c) on a temporary file: read, write, flush,
 * sectors past the end, a read-only disk, malformed requests.  And the
 * console's one command (launcher/console.c), Ctrl-] s, in the bytes
 * read from stdin, split across reads or not.
 *
 * Guest memory is a mapping that ends right before an inaccessible page,
 * and the buffers sit at its very end, so code that touches one byte
 * outside what the guest described crashes; the SIGSEGV is caught and
 * reported as that case's failure.
 *
 * Output is one "RESULT vq.<case> PASS|FAIL ..." line per case, as
 * ligeiro.h describes, then a count; the exit status is non-zero if any
 * case failed.  tests/test_launcher.py runs this program.  The rings are
 * explained in book/09-virtio.md; read launcher/vq.c alongside.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ligeiro.h>
#include "unit.h"
#include "devices.h"		/* launcher/, found through -iquote */

#define MEM_SIZE	(64u << 10)	/* the tests' guest has 64 KiB */
#define DESC		0x0000u		/* where the rings go */
#define AVAIL		0x1000u
#define USED		0x2000u
#define QSIZE		8u
#define SECTOR		VIRTIO_BLK_SECTOR_SIZE
#define DISK_SECTORS	8u
#define END(len)	(MEM_SIZE - (len))	/* a buffer ending memory */

static struct guest_mem mem;
static struct vq vq;
static struct chain chain;

/* What the code under test last said through say(). */
static char said[200];


void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(said, sizeof(said), fmt, ap);
	va_end(ap);
}

/* console.c's other neighbours, which these cases never reach. */
bool outgoing_ready(void)
{
	return false;
}

int write_out(const unsigned char *buf, size_t len, const char *what)
{
	(void)buf, (void)len, (void)what;
	return 0;
}

#define EXPECT(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail(__VA_ARGS__);				\
	} while (0)

/* The rings, as the driver sees them. */
static struct virtq_desc *desc_table(void)
{
	return (struct virtq_desc *)(mem.base + DESC);
}

static struct virtq_avail *avail(void)
{
	return (struct virtq_avail *)(mem.base + AVAIL);
}

static struct virtq_used *used(void)
{
	return (struct virtq_used *)(mem.base + USED);
}

static void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	desc_table()[i] = (struct virtq_desc){ addr, len, flags, next };
}

/* The driver makes chain @head available. */
static void offer(uint16_t head, uint32_t qsize)
{
	avail()->ring[avail()->idx % qsize] = head;
	avail()->idx++;
}

static void configure(uint32_t qsize, bool event_idx)
{
	int ret = vq_configure(&vq, &mem, qsize, DESC, AVAIL, USED, event_idx);

	EXPECT(!ret, "configure: %s", vq_strerror(ret));
}

/* vq_pop() must return @want, and on refusal leave the ring as it was. */
static void pop_is(int want)
{
	uint16_t before = vq.last_avail;
	int ret = vq_pop(&vq, &chain);

	if (ret != want)
		fail("vq_pop returned %d (%s), want %d (%s)", ret,
		     ret < 0 ? vq_strerror(ret) : "ok", want,
		     want < 0 ? vq_strerror(want) : "ok");
	else if (ret <= 0 && vq.last_avail != before)
		fail("a refused chain was taken");
}

/* A readable and a writable descriptor, then the hostile part. */
static void two_good(void)
{
	configure(QSIZE, false);
	set_desc(0, END(64), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, END(48), 48, VIRTQ_DESC_F_WRITE, 0);
}

static void good_chain(void)
{
	two_good();
	offer(0, QSIZE);
	pop_is(1);
	EXPECT(chain.head == 0 && chain.n == 2 && chain.nr_readable == 1,
	       "head %u, %u buffers, %u readable", chain.head, chain.n,
	       chain.nr_readable);
	EXPECT(chain.buf[0].p == mem.base + END(64) && chain.buf[0].len == 16 &&
	       chain.buf[1].p == mem.base + END(48) && chain.buf[1].len == 48,
	       "wrong buffers");
	EXPECT(chain.readable == 16 && chain.writable == 48, "wrong totals");
	/* Fill the writable buffer to its last byte: the guard is next. */
	EXPECT(chain_write(&chain, 0, mem.base, 100) == 48, "chain_write");
	vq_push(&vq, chain.head, 48);
	EXPECT(used()->idx == 1 && used()->ring[0].id == 0 &&
	       used()->ring[0].len == 48, "used ring");
	pop_is(0);
}

static void head_index(void)
{
	two_good();
	offer(QSIZE, QSIZE);
	pop_is(-VQ_ERR_INDEX);
}

static void next_index(void)
{
	two_good();
	set_desc(1, END(48), 48, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		 QSIZE);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_INDEX);
}

static void loop_a_b_a(void)
{
	two_good();
	set_desc(1, END(48), 48, VIRTQ_DESC_F_NEXT, 0);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_LOOP);
}

static void loop_self(void)
{
	two_good();
	set_desc(0, END(64), 16, VIRTQ_DESC_F_NEXT, 0);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_LOOP);
}

/* Every descriptor of the table in one chain: fine.  One more: not. */
static void whole_table_chain(void)
{
	uint16_t i;

	configure(QSIZE, false);
	for (i = 0; i < QSIZE; i++)
		set_desc(i, END(QSIZE), 1,
			 i + 1u < QSIZE ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	offer(0, QSIZE);
	pop_is(1);
	EXPECT(chain.n == QSIZE && chain.readable == QSIZE, "%u buffers",
	       chain.n);
}

static void chain_longer_than_queue(void)
{
	whole_table_chain();
	set_desc(QSIZE - 1, END(QSIZE), 1, VIRTQ_DESC_F_NEXT, 3);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_LOOP);
}

static void buffer_past_end(void)
{
	two_good();
	set_desc(1, END(48), 49, VIRTQ_DESC_F_WRITE, 0);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_BUFFER);
	set_desc(1, MEM_SIZE + 1, 0, VIRTQ_DESC_F_WRITE, 0);
	pop_is(-VQ_ERR_BUFFER);
	/* An empty buffer right at the end is still inside. */
	set_desc(1, MEM_SIZE, 0, VIRTQ_DESC_F_WRITE, 0);
	pop_is(1);
}

/* addr + len wraps to a small number: a naive sum would accept it. */
static void addr_len_overflow(void)
{
	two_good();
	set_desc(1, ~0ull - 15, 32, VIRTQ_DESC_F_WRITE, 0);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_BUFFER);
	set_desc(1, ~0ull, 1, VIRTQ_DESC_F_WRITE, 0);
	pop_is(-VQ_ERR_BUFFER);
}

static void writable_then_readable(void)
{
	two_good();
	set_desc(0, END(64), 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, END(48), 48, 0, 0);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_ORDER);
}

static void indirect(void)
{
	two_good();
	set_desc(0, END(64), 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_INDIRECT);
}

/* More bytes than a used length can count: each buffer is in "memory". */
static void chain_too_big(void)
{
	struct guest_mem huge = { mem.base, 1ull << 32, NULL };

	EXPECT(!vq_configure(&vq, &huge, QSIZE, DESC, AVAIL, USED, false),
	       "configure");
	set_desc(0, 0, 1u << 31, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, 0, 1u << 31, VIRTQ_DESC_F_WRITE, 0);
	offer(0, QSIZE);
	pop_is(-VQ_ERR_TOO_BIG);
}

/* A whole queue outstanding is fine; one more than that is not. */
static void avail_idx_jump(void)
{
	uint16_t i;

	two_good();
	for (i = 0; i < QSIZE; i++)
		offer(0, QSIZE);
	avail()->idx++;
	pop_is(-VQ_ERR_AVAIL_IDX);
	avail()->idx--;
	pop_is(1);
	avail()->idx = vq.last_avail - 1;	/* backwards: 65535 ahead */
	pop_is(-VQ_ERR_AVAIL_IDX);
}

/* vq_configure() refuses with @want, and leaves the queue unusable. */
static void configure_is(uint32_t qsize, uint64_t d, uint64_t a, uint64_t u,
			 int want, const char *what)
{
	int ret = vq_configure(&vq, &mem, qsize, d, a, u, true);

	EXPECT(ret == want, "%s: returned %d (%s), want %d", what, ret,
	       ret ? vq_strerror(ret) : "ok", want);
	if (want)
		EXPECT(!vq.size && vq_pop(&vq, &chain) == 0,
		       "%s: the queue is usable", what);
}

static void config_size(void)
{
	configure_is(0, DESC, AVAIL, USED, -VQ_ERR_SIZE, "size 0");
	configure_is(3, DESC, AVAIL, USED, -VQ_ERR_SIZE, "size 3");
	configure_is(2 * VQ_MAX_SIZE, DESC, AVAIL, USED, -VQ_ERR_SIZE,
		     "size 512");
	configure_is(VQ_MAX_SIZE, DESC, AVAIL, USED, 0, "size 256");
}

static void config_misaligned(void)
{
	configure_is(QSIZE, DESC + 8, AVAIL, USED, -VQ_ERR_ALIGN, "desc");
	configure_is(QSIZE, DESC, AVAIL + 1, USED, -VQ_ERR_ALIGN, "avail");
	configure_is(QSIZE, DESC, AVAIL, USED + 2, -VQ_ERR_ALIGN, "used");
}

/* Each ring exactly at the end of memory, then one step further. */
static void config_outside(void)
{
	uint64_t d = MEM_SIZE - 16 * QSIZE, a = MEM_SIZE - (6 + 2 * QSIZE);
	uint64_t u = MEM_SIZE - (6 + 8 * QSIZE) - 2;	/* 4-aligned */

	configure_is(QSIZE, d, a, u, 0, "at the end");
	configure_is(QSIZE, d + 16, a, u, -VQ_ERR_RING, "desc");
	configure_is(QSIZE, d, a + 2, u, -VQ_ERR_RING, "avail");
	configure_is(QSIZE, d, a, u + 4, -VQ_ERR_RING, "used");
	configure_is(QSIZE, d, a, ~0ull - 3, -VQ_ERR_RING, "used wraps");
	configure_is(QSIZE, ~0ull - 15, a, u, -VQ_ERR_RING, "desc wraps");
}

/* Free-running indices from 65530 on, across the wrap at 2^16. */
static void indices_wrap(void)
{
	unsigned int k;

	two_good();
	vq.last_avail = vq.used_idx = avail()->idx = used()->idx = 65530;
	for (k = 0; k < 3 * QSIZE; k++) {
		offer(k % 2, QSIZE);
		set_desc(1, END(48), 48, VIRTQ_DESC_F_WRITE, 0);
		pop_is(1);
		if (why[0])
			return;
		EXPECT(chain.head == k % 2, "step %u: head %u", k, chain.head);
		vq_push(&vq, chain.head, k);
		EXPECT(used()->idx == (uint16_t)(65531 + k) &&
		       used()->ring[(65530 + k) % QSIZE].id == k % 2 &&
		       used()->ring[(65530 + k) % QSIZE].len == k,
		       "step %u: used idx %u", k, used()->idx);
		pop_is(0);
	}
}

/* 2.7.10's test, computed by hand around the wrap. */
static void need_event_wrap(void)
{
	static const struct {
		uint16_t event, new, old;
		bool want;
	} t[] = {
		{ 65535, 0, 65534, true },	/* passed 65535 at the wrap */
		{ 0, 1, 65535, true },
		{ 1, 1, 65535, false },		/* not there yet */
		{ 65533, 2, 65534, false },	/* already behind us */
		{ 65534, 2, 65534, true },
		{ 1, 2, 1, true },
		{ 5, 5, 5, false },		/* nothing new */
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		EXPECT(vq_need_event(t[i].event, t[i].new, t[i].old) ==
		       t[i].want, "event %u new %u old %u", t[i].event,
		       t[i].new, t[i].old);
}

/* used_event read from the ring: only the push that passes it interrupts. */
static void event_idx_interrupts(void)
{
	uint16_t *used_event = &avail()->ring[QSIZE], old, avail_event;
	unsigned int k;

	configure(QSIZE, true);
	set_desc(0, END(16), 16, VIRTQ_DESC_F_WRITE, 0);
	vq.last_avail = vq.used_idx = avail()->idx = used()->idx = 65533;
	*used_event = 65535;
	/* We also tell the driver where we will look next: avail_event. */
	pop_is(0);
	memcpy(&avail_event, mem.base + USED + 4 + 8 * QSIZE, 2);
	EXPECT(avail_event == 65533, "avail_event %u", avail_event);
	for (k = 0; k < 5; k++) {
		offer(0, QSIZE);
		pop_is(1);
		old = vq.used_idx;
		vq_push(&vq, 0, 0);
		EXPECT(vq_need_interrupt(&vq, old) == (old == 65535),
		       "push from %u", old);
	}
	/* avail_flags mean nothing with EVENT_IDX. */
	avail()->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*used_event = vq.used_idx;
	offer(0, QSIZE);
	pop_is(1);
	old = vq.used_idx;
	vq_push(&vq, 0, 0);
	EXPECT(vq_need_interrupt(&vq, old), "flags obeyed with EVENT_IDX");
}

static void no_interrupt_flag(void)
{
	uint16_t old;

	two_good();
	old = vq.used_idx;
	EXPECT(!vq_need_interrupt(&vq, old), "interrupt with nothing used");
	vq_push(&vq, 0, 0);
	EXPECT(vq_need_interrupt(&vq, old), "no interrupt without the flag");
	avail()->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	old = vq.used_idx;
	vq_push(&vq, 0, 0);
	EXPECT(!vq_need_interrupt(&vq, old), "interrupt despite the flag");
}

/* chain_read/chain_write across descriptors, and offsets inside them. */
static void chain_copy(void)
{
	char out[8] = { 0 };

	configure(QSIZE, false);
	memcpy(mem.base + END(64), "abcdefgh", 8);
	set_desc(0, END(64), 3, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, END(61), 5, VIRTQ_DESC_F_NEXT, 2);
	set_desc(2, END(4), 2, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	set_desc(3, END(2), 2, VIRTQ_DESC_F_WRITE, 0);
	offer(0, QSIZE);
	pop_is(1);
	EXPECT(chain_read(&chain, 2, out, 8) == 6 && !memcmp(out, "cdefgh", 6),
	       "chain_read");
	EXPECT(chain_write(&chain, 1, "xyz!", 4) == 3 &&
	       !memcmp(mem.base + END(4), "\0xyz", 4), "chain_write");
}

/*
 * The block device, driven as a driver would: through the registers.
 * The disk is DISK_SECTORS sectors, sector i filled with 'A' + i.
 */
static struct vdev dev;
static char disk_path[] = "/tmp/test_vq.XXXXXX";
static int disk_fd = -1;

static uint32_t reg(uint32_t off)
{
	return virtio_read(&dev, off, 4);
}

static void wreg(uint32_t off, uint32_t v)
{
	virtio_write(&dev, off, 4, v);
}

static void make_disk(void)
{
	unsigned char sector[SECTOR];
	unsigned int i;

	if (disk_fd < 0)
		disk_fd = mkstemp(disk_path);
	if (disk_fd < 0 || ftruncate(disk_fd, 0))
		fail("temporary disk: %m");
	for (i = 0; i < DISK_SECTORS; i++) {
		memset(sector, 'A' + i, SECTOR);
		if (pwrite(disk_fd, sector, SECTOR, i * SECTOR) != SECTOR)
			fail("temporary disk: %m");
	}
}

static bool disk_is(unsigned int i, int c)
{
	unsigned char sector[SECTOR];
	unsigned char want[SECTOR];

	memset(want, c, SECTOR);
	return pread(disk_fd, sector, SECTOR, i * SECTOR) == SECTOR &&
	       !memcmp(sector, want, SECTOR);
}

/* Negotiate @features; return the status the device ends up with. */
static uint32_t negotiate(uint64_t features)
{
	wreg(VIRTIO_MMIO_STATUS, 0);
	wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
	     VIRTIO_STATUS_DRIVER);
	wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wreg(VIRTIO_MMIO_DRIVER_FEATURES, features);
	wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wreg(VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
	wreg(VIRTIO_MMIO_STATUS, reg(VIRTIO_MMIO_STATUS) |
	     VIRTIO_STATUS_FEATURES_OK);
	return reg(VIRTIO_MMIO_STATUS);
}

/* A block device on the disk, set up and with its queue ready. */
static void blk_up(bool ro)
{
	uint64_t offered;

	make_disk();
	vdev_init(&dev, &mem, 1);
	if (blk_create(&dev, disk_path, ro)) {
		fail("blk_create: %s", said);
		return;
	}
	dev.features |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	EXPECT(reg(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC &&
	       reg(VIRTIO_MMIO_VERSION) == 2 &&
	       reg(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK, "identity");
	wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered = (uint64_t)reg(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered |= reg(VIRTIO_MMIO_DEVICE_FEATURES);
	EXPECT(offered == (VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			   VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
			   (ro ? VIRTIO_BIT(VIRTIO_BLK_F_RO) : 0)),
	       "offered %#llx", (unsigned long long)offered);
	EXPECT(reg(VIRTIO_MMIO_CONFIG) == DISK_SECTORS &&
	       reg(VIRTIO_MMIO_CONFIG + 4) == 0 &&
	       virtio_read(&dev, VIRTIO_MMIO_CONFIG, 1) == DISK_SECTORS,
	       "capacity");
	EXPECT(negotiate(offered) & VIRTIO_STATUS_FEATURES_OK, "FEATURES_OK");
	wreg(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT(reg(VIRTIO_MMIO_QUEUE_NUM_MAX) == VQ_MAX_SIZE, "QueueNumMax");
	wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
	wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL);
	wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED);
	wreg(VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT(reg(VIRTIO_MMIO_QUEUE_READY) == 1, "queue not ready");
	wreg(VIRTIO_MMIO_STATUS, reg(VIRTIO_MMIO_STATUS) |
	     VIRTIO_STATUS_DRIVER_OK);
}

/*
 * One request: header, @len bytes of data at the end of memory (readable
 * for OUT, unless @wrong_way), status byte.  Return the status, or -1 if
 * none came back.
 */
static int request_dir(uint32_t type, uint64_t sector, uint32_t len,
		       bool wrong_way)
{
	struct virtio_blk_req_hdr *h = (void *)(mem.base + 0x3000);
	unsigned char *status = mem.base + 0x3010;
	uint16_t used_before = used()->idx;
	uint16_t data_flags = (type == VIRTIO_BLK_T_OUT) != wrong_way ?
			      0 : VIRTQ_DESC_F_WRITE;

	*h = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	*status = 0xff;
	set_desc(0, 0x3000, sizeof(*h), VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, END(len), len, data_flags | VIRTQ_DESC_F_NEXT, 2);
	set_desc(2, 0x3010, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0, QSIZE);
	wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	if (used()->idx == used_before)
		return -1;
	EXPECT(used()->idx == (uint16_t)(used_before + 1), "two used");
	/* The whole writable part counts as written, as QEMU's (2.7.8.2). */
	EXPECT(used()->ring[used_before % QSIZE].len ==
	       (data_flags ? len + 1 : 1), "used length %u",
	       used()->ring[used_before % QSIZE].len);
	return *status;
}

static int request(uint32_t type, uint64_t sector, uint32_t len)
{
	return request_dir(type, sector, len, false);
}

static void blk_read_write_flush(void)
{
	unsigned char *data = mem.base + END(2 * SECTOR);
	unsigned int i;

	blk_up(false);
	EXPECT(request(VIRTIO_BLK_T_IN, 3, 2 * SECTOR) == VIRTIO_BLK_S_OK,
	       "read: status");
	EXPECT(data[0] == 'D' && data[SECTOR - 1] == 'D' &&
	       data[SECTOR] == 'E' && data[2 * SECTOR - 1] == 'E',
	       "read the wrong bytes");
	memset(mem.base + END(SECTOR), 'w', SECTOR);
	EXPECT(request(VIRTIO_BLK_T_OUT, 7, SECTOR) == VIRTIO_BLK_S_OK,
	       "write: status");
	for (i = 0; i < DISK_SECTORS; i++)
		EXPECT(disk_is(i, i == 7 ? 'w' : 'A' + (int)i),
		       "sector %u after writing sector 7", i);
	EXPECT(request(VIRTIO_BLK_T_FLUSH, 0, 0) == VIRTIO_BLK_S_OK, "flush");
	EXPECT(dev.requests == 3 && dev.notifies == 3 && dev.faults == 0,
	       "counters %llu %llu %llu", (unsigned long long)dev.requests,
	       (unsigned long long)dev.notifies,
	       (unsigned long long)dev.faults);
	/* fd -1: no VM to interrupt, but the status says why. */
	EXPECT(dev.interrupts == 3 &&
	       reg(VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_ISR_QUEUE,
	       "interrupts");
	wreg(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
	EXPECT(!reg(VIRTIO_MMIO_INTERRUPT_STATUS), "InterruptACK");
}

static void blk_out_of_range(void)
{
	unsigned int i;

	blk_up(false);
	memset(mem.base + END(2 * SECTOR), 'x', 2 * SECTOR);
	EXPECT(request(VIRTIO_BLK_T_OUT, 7, 2 * SECTOR) == VIRTIO_BLK_S_IOERR,
	       "write across the end");
	EXPECT(request(VIRTIO_BLK_T_OUT, DISK_SECTORS, SECTOR) ==
	       VIRTIO_BLK_S_IOERR, "write past the end");
	/* sector * 512 wraps to 0 in 64 bits. */
	EXPECT(request(VIRTIO_BLK_T_OUT, 1ull << 55, SECTOR) ==
	       VIRTIO_BLK_S_IOERR, "write at a wrapping sector");
	EXPECT(request(VIRTIO_BLK_T_IN, DISK_SECTORS, SECTOR) ==
	       VIRTIO_BLK_S_IOERR, "read past the end");
	EXPECT(request(VIRTIO_BLK_T_OUT, 0, SECTOR + 1) == VIRTIO_BLK_S_IOERR,
	       "write of part of a sector");
	/* data the wrong way: nothing to transfer is not success */
	EXPECT(request_dir(VIRTIO_BLK_T_IN, 0, SECTOR, true) ==
	       VIRTIO_BLK_S_IOERR, "a read whose data the device may not write");
	EXPECT(request_dir(VIRTIO_BLK_T_OUT, 0, SECTOR, true) ==
	       VIRTIO_BLK_S_IOERR, "a write whose data the device may not read");
	for (i = 0; i < DISK_SECTORS; i++)
		EXPECT(disk_is(i, 'A' + (int)i), "sector %u changed", i);
	EXPECT(!(reg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET),
	       "an I/O error is no reason to reset");
}

static void blk_read_only(void)
{
	blk_up(true);
	memset(mem.base + END(SECTOR), 'x', SECTOR);
	EXPECT(request(VIRTIO_BLK_T_OUT, 0, SECTOR) == VIRTIO_BLK_S_IOERR,
	       "write to a read-only disk");
	EXPECT(disk_is(0, 'A'), "the read-only disk changed");
	EXPECT(request(VIRTIO_BLK_T_IN, 1, SECTOR) == VIRTIO_BLK_S_OK &&
	       mem.base[END(SECTOR)] == 'B', "read from a read-only disk");
}

static void blk_get_id_unsupported(void)
{
	blk_up(false);
	EXPECT(request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES) ==
	       VIRTIO_BLK_S_OK && !memcmp(mem.base + END(VIRTIO_BLK_ID_BYTES),
					  "ligeiro\0", 8), "GET_ID");
	EXPECT(request(99, 0, SECTOR) == VIRTIO_BLK_S_UNSUPP, "type 99");
}

/* Header cut short: no status to report in, so the device needs a reset. */
static void blk_malformed(void)
{
	blk_up(false);
	set_desc(0, 0x3000, 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, 0x3010, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0, QSIZE);
	said[0] = '\0';
	wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT(reg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET,
	       "no DEVICE_NEEDS_RESET");
	EXPECT(strstr(said, "virtio-blk") && strstr(said, "header"),
	       "said: '%s'", said);
	EXPECT(dev.faults == 1 && used()->idx == 0, "faults or used");
	/* Ignored until reset, and said once only. */
	said[0] = '\0';
	EXPECT(request(VIRTIO_BLK_T_IN, 0, SECTOR) == -1, "served anyway");
	EXPECT(!said[0], "said twice: '%s'", said);
	wreg(VIRTIO_MMIO_STATUS, 0);
	EXPECT(!reg(VIRTIO_MMIO_STATUS) && !reg(VIRTIO_MMIO_QUEUE_READY),
	       "reset");
}

/* A hostile chain through the device: refused, nothing touched. */
static void blk_hostile_chain(void)
{
	blk_up(false);
	set_desc(0, 0x3000, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, END(SECTOR), SECTOR + 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0, QSIZE);
	wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT((reg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) &&
	       dev.faults == 1 && used()->idx == 0 &&
	       strstr(said, vq_strerror(-VQ_ERR_BUFFER)), "said: '%s'", said);
}

/* FEATURES_OK stays clear for features we did not offer, or no VERSION_1. */
static void features_refused(void)
{
	blk_up(true);
	EXPECT(!(negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			   VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)) &
		 VIRTIO_STATUS_FEATURES_OK), "EVENT_IDX was not offered");
	EXPECT(!(negotiate(VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)) &
		 VIRTIO_STATUS_FEATURES_OK), "no VERSION_1");
	EXPECT(negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1)) &
	       VIRTIO_STATUS_FEATURES_OK, "VERSION_1 alone");
}

/* Bad rings at QueueReady: the queue stays off, the device needs reset. */
static void mmio_bad_ring(void)
{
	blk_up(false);
	wreg(VIRTIO_MMIO_STATUS, 0);
	negotiate(VIRTIO_BIT(VIRTIO_F_VERSION_1));
	wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
	wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL);
	wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED);
	wreg(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 1);		/* at 4 GiB */
	wreg(VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT(!reg(VIRTIO_MMIO_QUEUE_READY) &&
	       (reg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) &&
	       strstr(said, vq_strerror(-VQ_ERR_RING)), "said: '%s'", said);
}

static void empty_slot(void)
{
	vdev_init(&dev, &mem, 2);
	wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	EXPECT(reg(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC &&
	       reg(VIRTIO_MMIO_VERSION) == 2 &&
	       reg(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_NONE &&
	       !reg(VIRTIO_MMIO_DEVICE_FEATURES) &&
	       !reg(VIRTIO_MMIO_STATUS), "not an empty slot");
}

/*
 * The console's escape: what one read of @in gives the guest, and
 * whether it asked for the save.  Ctrl-] is ']' & 0x1f.
 */
#define CTRL_RBRACKET	"\x1d"
static void commands_are(struct console_escape *e, const char *in,
			 const char *want, bool want_asked)
{
	unsigned char out[64];
	size_t n = strlen(in), len;
	bool asked;

	len = console_commands(e, (const unsigned char *)in, n, out, &asked);
	EXPECT(len == strlen(want) && !memcmp(out, want, len) &&
	       asked == want_asked, "'%s' gave %zu bytes, asked %d",
	       in, len, asked);
	EXPECT(len <= n + 1, "%zu bytes out of %zu", len, n);
}

static void console_escape(void)
{
	struct console_escape armed = { .armed = true }, off = { 0 };

	commands_are(&armed, "ls\n", "ls\n", false);
	commands_are(&armed, "a" CTRL_RBRACKET "sb", "ab", true);
	commands_are(&armed, CTRL_RBRACKET CTRL_RBRACKET, CTRL_RBRACKET, false);
	commands_are(&armed, CTRL_RBRACKET "x", CTRL_RBRACKET "x", false);
	/* Nothing to do: every byte is the guest's. */
	commands_are(&off, CTRL_RBRACKET "s", CTRL_RBRACKET "s", false);
}

/* The escape at the end of one read, its command at the start of the next. */
static void console_escape_split(void)
{
	struct console_escape e = { .armed = true };

	commands_are(&e, "ab" CTRL_RBRACKET, "ab", false);
	commands_are(&e, "s", "", true);
	commands_are(&e, CTRL_RBRACKET, "", false);
	commands_are(&e, "q", CTRL_RBRACKET "q", false);	/* n + 1 */
	commands_are(&e, CTRL_RBRACKET, "", false);
	commands_are(&e, CTRL_RBRACKET, CTRL_RBRACKET, false);
}

#define CASE(name)	{ #name, name }
static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	CASE(good_chain), CASE(head_index), CASE(next_index),
	CASE(loop_a_b_a), CASE(loop_self), CASE(whole_table_chain),
	CASE(chain_longer_than_queue), CASE(buffer_past_end),
	CASE(addr_len_overflow), CASE(writable_then_readable), CASE(indirect),
	CASE(chain_too_big), CASE(avail_idx_jump), CASE(config_size),
	CASE(config_misaligned), CASE(config_outside), CASE(indices_wrap),
	CASE(need_event_wrap), CASE(event_idx_interrupts),
	CASE(no_interrupt_flag), CASE(chain_copy), CASE(blk_read_write_flush),
	CASE(blk_out_of_range), CASE(blk_read_only),
	CASE(blk_get_id_unsupported), CASE(blk_malformed),
	CASE(blk_hostile_chain), CASE(features_refused), CASE(mmio_bad_ring),
	CASE(empty_slot), CASE(console_escape), CASE(console_escape_split),
};

static sigjmp_buf crash;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(crash, 1);
}

/* Guest memory, then one no-access page right after it. */
static unsigned char *guarded_memory(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p;

	p = mmap(NULL, MEM_SIZE + page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + MEM_SIZE, page, PROT_NONE))
		return NULL;
	return p;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_segv };
	unsigned int n = sizeof(cases) / sizeof(cases[0]);
	/* volatile: siglongjmp() may come back into this frame. */
	volatile unsigned int i, failed = 0;

	mem.base = guarded_memory();
	mem.size = MEM_SIZE;
	if (!mem.base || sigaction(SIGSEGV, &sa, NULL)) {
		perror("test_vq: setting up guest memory");
		return 1;
	}
	for (i = 0; i < n; i++) {
		memset(mem.base, 0, MEM_SIZE);
		memset(&vq, 0, sizeof(vq));
		why[0] = said[0] = '\0';
		if (sigsetjmp(crash, 1))
			fail("crashed: touched memory outside the guest's");
		else
			cases[i].run();
		if (why[0]) {
			printf(LIGEIRO_RESULT_TAG " vq.%s FAIL %s\n",
			       cases[i].name, why);
			failed++;
		} else {
			printf(LIGEIRO_RESULT_TAG " vq.%s PASS\n",
			       cases[i].name);
		}
	}
	if (disk_fd >= 0)
		unlink(disk_path);
	printf("# vq: %u cases, %u failed\n", n, failed);
	return failed != 0;
}
