// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c - write a guest as a stream of records, and read one back.
 *
 * Every record is a type and a length, then that many bytes:
 *
 *	SNAP_PAGE	the page's guest-physical address, then its 4 KiB
 *	SNAP_VCPU	a struct ligeiro_vcpu (LIGEIRO_GET_VCPU)
 *	SNAP_DEVICES	a struct devices_state (mmio.c's vdev_save())
 *	SNAP_END	the checksum of every byte before this record
 *
 * The checksum is FNV-1a, taken over 64-bit words: it is there to catch a
 * truncated or damaged file, not a forger, and it costs a multiply a word.
 * The reader trusts nothing it reads: every length must be the one its
 * type has, every page must lie inside the memory the header declared,
 * and the virtual CPU and devices are loaded only after SNAP_END matched
 * - and then checked again by the module (LIGEIRO_SET_VCPU) and by the
 * devices (vdev_load()).
 *
 * The book: "Saving and moving a guest" (book/17-migration.md).  Read
 * migrate.h next.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "run.h"
#include "snapshot.h"

#define SNAP_MAGIC	"LIGEIRO\n"	/* 8 bytes, no NUL */
#define SNAP_VERSION	1		/* grows when a record changes */

enum snap_type { SNAP_PAGE = 1, SNAP_VCPU, SNAP_DEVICES, SNAP_END };

struct snap_header {
	char magic[8];
	uint32_t version, abi;		/* SNAP_VERSION, LIGEIRO_ABI_VERSION */
	struct ligeiro_create create;	/* mem_addr is 0 in a stream */
};

struct snap_record {
	uint32_t type, len;
};

#define FNV_OFFSET	0xcbf29ce484222325ull
#define FNV_PRIME	0x100000001b3ull

static uint64_t fnv(uint64_t sum, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t w;

	for (; len >= sizeof(w); p += sizeof(w), len -= sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		sum = (sum ^ w) * FNV_PRIME;
	}
	for (; len; p++, len--)
		sum = (sum ^ *p) * FNV_PRIME;
	return sum;
}

/* Write the @n pieces of one record whole, and add them to the sum. */
static int put(struct snap_out *o, struct iovec *iov, int n)
{
	ssize_t w;
	int i;

	for (i = 0; i < n; i++)
		o->sum = fnv(o->sum, iov[i].iov_base, iov[i].iov_len);
	while (n) {
		w = writev(o->fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			say("writing to %s: %s", o->what, strerror(errno));
			return -1;
		}
		for (; n && (size_t)w >= iov->iov_len; iov++, n--)
			w -= iov->iov_len;
		if (n) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= w;
		}
	}
	return 0;
}

static int put_record(struct snap_out *o, uint32_t type, const void *a,
		      size_t alen, const void *b, size_t blen)
{
	struct snap_record r = { type, alen + blen };
	struct iovec iov[] = {
		{ &r, sizeof(r) },
		{ (void *)a, alen },
		{ (void *)b, blen },
	};

	return put(o, iov, b ? 3 : 2);
}

int snap_header(struct snap_out *o, const struct ligeiro_create *c)
{
	struct snap_header h = { .magic = SNAP_MAGIC, .version = SNAP_VERSION,
				 .abi = LIGEIRO_ABI_VERSION, .create = *c };
	struct iovec iov = { &h, sizeof(h) };

	h.create.mem_addr = 0;
	o->sum = FNV_OFFSET;
	return put(o, &iov, 1);
}

static bool zero_page(const unsigned char *p)
{
	static const unsigned char zeros[LIGEIRO_PAGE_SIZE];

	return !memcmp(p, zeros, sizeof(zeros));
}

int snap_page(struct snap_out *o, const struct ligeiro_create *c,
	      uint64_t page, bool skip_zero, uint64_t *sent)
{
	const unsigned char *mem = (const void *)(uintptr_t)c->mem_addr;
	uint64_t gpa = page * LIGEIRO_PAGE_SIZE;

	if (skip_zero && zero_page(mem + gpa))
		return 0;
	(*sent)++;
	return put_record(o, SNAP_PAGE, &gpa, sizeof(gpa), mem + gpa,
			  LIGEIRO_PAGE_SIZE);
}

int snap_state(struct snap_out *o, int vm_fd)
{
	static struct ligeiro_vcpu vcpu;
	struct devices_state dev;
	uint64_t sum;

	if (ioctl(vm_fd, LIGEIRO_GET_VCPU, &vcpu) < 0) {
		say("LIGEIRO_GET_VCPU: %s", strerror(errno));
		return -1;
	}
	devices_save(&dev);
	if (put_record(o, SNAP_VCPU, &vcpu, sizeof(vcpu), NULL, 0) ||
	    put_record(o, SNAP_DEVICES, &dev, sizeof(dev), NULL, 0))
		return -1;
	sum = o->sum;
	return put_record(o, SNAP_END, &sum, sizeof(sum), NULL, 0);
}

int snap_save(const char *path, int vm_fd, const struct ligeiro_create *c)
{
	struct snap_out o = { .what = path };
	uint64_t page, sent = 0;
	char tmp[4096];
	int err;

	/* A new file beside the old, renamed over it only once whole. */
	if (snprintf(tmp, sizeof(tmp), "%s.part", path) >= (int)sizeof(tmp)) {
		say("--save=%s: the name is too long", path);
		return -1;
	}
	o.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (o.fd < 0) {
		say("cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	err = snap_header(&o, c);
	for (page = 0; !err && page < c->mem_size / LIGEIRO_PAGE_SIZE; page++)
		err = snap_page(&o, c, page, true, &sent);
	err = err || snap_state(&o, vm_fd) || fsync(o.fd);
	if (close(o.fd))
		err = -1;
	if (err || rename(tmp, path)) {
		say("--save=%s failed%s%s; the guest goes on", path,
		    err ? "" : ": ", err ? "" : strerror(errno));
		unlink(tmp);
		return -1;
	}
	say("saved %llu pages of memory, the vCPU and the devices to %s",
	    (unsigned long long)sent, path);
	return 0;
}

/* Reading: all of @len bytes, or -1 after saying why not. */
static int get(int fd, const char *what, void *buf, size_t len, uint64_t *sum)
{
	unsigned char *p = buf;
	size_t left = len;
	ssize_t n;

	while (left) {
		n = read(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			say("%s: %s", what, n ? strerror(errno) :
			    "the stream ends before its last record (truncated, or the sender stopped)");
			return -1;
		}
		p += n;
		left -= n;
	}
	*sum = fnv(*sum, buf, len);
	return 0;
}

static int check_header(const char *what, const struct snap_header *h)
{
	const struct ligeiro_create *c = &h->create;

	if (memcmp(h->magic, SNAP_MAGIC, sizeof(h->magic))) {
		say("%s: not a saved ligeiro guest (bad magic)", what);
		return -1;
	}
	if (h->version != SNAP_VERSION || h->abi != LIGEIRO_ABI_VERSION) {
		say("%s: saved by another ligeiro (format %u, ABI %u; this launcher reads format %u, ABI %u)",
		    what, h->version, h->abi, SNAP_VERSION, LIGEIRO_ABI_VERSION);
		return -1;
	}
	/*
	 * An incoming VM is made from the header before the checksum can
	 * vouch for it, so it gets the module's checks (check_create() in
	 * hv/vm.c) here, and a damaged one is called damaged.
	 */
	if (!c->mem_size || c->mem_size % LIGEIRO_PAGE_SIZE ||
	    c->mem_size > LIGEIRO_MMIO_BASE ||
	    (c->mode != LIGEIRO_MODE_PV && c->mode != LIGEIRO_MODE_TRAP) ||
	    c->entry >= c->mem_size || c->boot_gpa >= c->mem_size ||
	    c->flags & ~LIGEIRO_CREATE_FLAGS || c->pad ||
	    c->roots > LIGEIRO_ROOTS_MAX) {
		say("%s: the header declares an impossible machine (%llu bytes of memory, mode %u; damaged)",
		    what, (unsigned long long)c->mem_size, c->mode);
		return -1;
	}
	return 0;
}

/* One record's payload, whose length its type fixes. */
static int get_fixed(int fd, const char *what, const struct snap_record *r,
		     void *buf, size_t len, uint64_t *sum)
{
	if (r->len != len) {
		say("%s: a record of type %u is %u bytes long, not %zu (damaged)",
		    what, r->type, r->len, len);
		return -1;
	}
	return get(fd, what, buf, len, sum);
}

static int get_page(int fd, const char *what, const struct snap_record *r,
		    struct snap_in *in, uint64_t *sum)
{
	unsigned char *mem = (void *)(uintptr_t)in->create.mem_addr;
	uint64_t gpa;

	if (r->len != sizeof(gpa) + LIGEIRO_PAGE_SIZE) {
		say("%s: a page record is %u bytes long (damaged)", what,
		    r->len);
		return -1;
	}
	if (get(fd, what, &gpa, sizeof(gpa), sum))
		return -1;
	if (gpa % LIGEIRO_PAGE_SIZE || gpa >= in->create.mem_size) {
		say("%s: a page at %#llx, outside the guest's memory (damaged)",
		    what, (unsigned long long)gpa);
		return -1;
	}
	in->pages++;
	return get(fd, what, mem + gpa, LIGEIRO_PAGE_SIZE, sum);
}

/* The records after the header, up to and including SNAP_END. */
static int get_records(int fd, const char *what, struct snap_in *in,
		       uint64_t sum)
{
	bool have_vcpu = false, have_devices = false;
	struct snap_record r;
	uint64_t before, end;

	for (;;) {
		before = sum;
		if (get(fd, what, &r, sizeof(r), &sum))
			return -1;
		switch (r.type) {
		case SNAP_PAGE:
			if (get_page(fd, what, &r, in, &sum))
				return -1;
			break;
		case SNAP_VCPU:
			if (get_fixed(fd, what, &r, &in->vcpu,
				      sizeof(in->vcpu), &sum))
				return -1;
			have_vcpu = true;
			break;
		case SNAP_DEVICES:
			if (get_fixed(fd, what, &r, &in->devices,
				      sizeof(in->devices), &sum))
				return -1;
			have_devices = true;
			break;
		case SNAP_END:
			if (get_fixed(fd, what, &r, &end, sizeof(end), &sum))
				return -1;
			if (end != before) {
				say("%s: the checksum does not match (damaged)",
				    what);
				return -1;
			}
			if (have_vcpu && have_devices)
				return 0;
			say("%s: no vCPU or no device state before the end (damaged)",
			    what);
			return -1;
		default:
			say("%s: unknown record type %u (damaged)", what,
			    r.type);
			return -1;
		}
	}
}

int snap_begin(int fd, const char *what, struct snap_in *in)
{
	struct snap_header h;
	void *mem;

	memset(in, 0, sizeof(*in));
	in->sum = FNV_OFFSET;
	if (get(fd, what, &h, sizeof(h), &in->sum) || check_header(what, &h))
		return LIGEIRO_EXIT_BADIMAGE;
	in->create = h.create;
	mem = mmap(NULL, h.create.mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		say("cannot map %llu bytes of guest memory: %s",
		    (unsigned long long)h.create.mem_size, strerror(errno));
		return LIGEIRO_EXIT_INTERNAL;
	}
	in->create.mem_addr = (uintptr_t)mem;
	return 0;
}

int snap_finish(int fd, const char *what, struct snap_in *in)
{
	return get_records(fd, what, in, in->sum) ? LIGEIRO_EXIT_BADIMAGE : 0;
}
