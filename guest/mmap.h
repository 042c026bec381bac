/*
 * mmap.h - reading the memory map GRUB hands over.
 *
 * Book: book/02-guest.md, "The guest kernel".  See mmap.c.
 */
#ifndef GUEST_MMAP_H
#define GUEST_MMAP_H

#include "types.h"

struct mem_summary {
	unsigned int regions;		/* entries of any type */
	u64 usable_bytes;		/* sum of the "available" entries */
	bool usable_high;		/* some available entry above 1 MiB */
};

const char *mmap_read(u64 info_addr, struct mem_summary *sum);

#endif /* GUEST_MMAP_H */
