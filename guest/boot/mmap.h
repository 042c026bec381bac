/*
 * mmap.h - reading the memory map and command line GRUB hands over.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read mmap.c next.
 */
#ifndef GUEST_MMAP_H
#define GUEST_MMAP_H

#include "lib/types.h"

struct mem_summary {
	unsigned int regions;		/* entries of any type */
	u64 usable_bytes;		/* sum of the "available" entries */
	bool usable_high;		/* some available entry above 1 MiB */
	u64 ram_end;			/* end of the highest usable entry */
};

const char *mmap_read(u64 info_addr, u64 kernel_end, struct mem_summary *sum);
const char *mmap_cmdline(u64 info_addr);

#endif /* GUEST_MMAP_H */
