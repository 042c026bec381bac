/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot.h - a whole guest as one stream of records.
 *
 * A saved guest and a migrating one are the same thing on the wire: a
 * header that says which machine this is (its memory size, mode and the
 * rest of LIGEIRO_CREATE_VM), then records - pages of memory, the
 * virtual CPU, the devices - and a last record holding a checksum of all
 * that came before.  A file written by --save is such a stream; so is
 * what --migrate sends, with the pages of several rounds, the later ones
 * overwriting the earlier.  One reader takes both, and applies nothing
 * until the checksum has matched.
 *
 * The book describes the format in "Saving and moving a guest"
 * (book/17-migration.md).  Read snapshot.c next.
 */
#ifndef LIGEIRO_LAUNCHER_SNAPSHOT_H
#define LIGEIRO_LAUNCHER_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <ligeiro.h>

#include "devices.h"

/* Where a stream goes, and the checksum of what went so far. */
struct snap_out {
	int fd;
	uint64_t sum;
	const char *what;	/* the file or the peer, for messages */
};

/* Writers: 0, or -1 after saying why not. */
int snap_header(struct snap_out *o, const struct ligeiro_create *c);
/*
 * Guest page number @page, unless @skip_zero and it holds only zeros
 * (the reader's memory starts zeroed); counts it in *@sent if sent.
 */
int snap_page(struct snap_out *o, const struct ligeiro_create *c,
	      uint64_t page, bool skip_zero, uint64_t *sent);
/* The virtual CPU of VM @vm_fd and the devices, then the checksum. */
int snap_state(struct snap_out *o, int vm_fd);

/* A stream read back whole: what the new VM is made of. */
struct snap_in {
	struct ligeiro_create create;	/* mem_addr: a fresh mapping */
	struct ligeiro_vcpu vcpu;
	struct devices_state devices;
	uint64_t pages;			/* page records read */
	uint64_t sum;			/* of what was read so far */
};

/*
 * Reading, in two steps, so that the new VM can be made in between,
 * while the sender still sends: snap_begin() reads the header and maps
 * the memory it declares, snap_finish() reads the rest into it.  Each
 * returns 0, or LIGEIRO_EXIT_BADIMAGE / _INTERNAL after saying why; the
 * caller loads nothing of a stream whose snap_finish() failed.
 */
int snap_begin(int fd, const char *what, struct snap_in *in);
int snap_finish(int fd, const char *what, struct snap_in *in);

/* --save=FILE: the whole guest, now; 0 or -1 after saying why not. */
int snap_save(const char *path, int vm_fd, const struct ligeiro_create *c);

/* The words of a bitmap of @npages pages, and its bit @n. */
static inline uint64_t bitmap_words(uint64_t npages)
{
	return (npages + 63) / 64;
}

static inline bool bitmap_bit(const uint64_t *bitmap, uint64_t n)
{
	return bitmap[n / 64] >> (n % 64) & 1;
}

#endif /* LIGEIRO_LAUNCHER_SNAPSHOT_H */
