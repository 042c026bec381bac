/*
 * multiboot2.h - the parts of the Multiboot2 specification we use.
 *
 * GRUB finds our kernel by a header near the start of the file (boot.S
 * writes it) and, when it jumps to us, leaves a magic number in EAX and
 * the physical address of a "boot information" block in EBX.  That block
 * is a list of tags; we read the memory map and the command line (mmap.c).
 *
 * Book: book/02-guest.md, "The guest kernel".  Read layout.h next.
 */
#ifndef GUEST_MULTIBOOT2_H
#define GUEST_MULTIBOOT2_H

/* The header in our image. */
#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_ARCH_I386		0	/* 32-bit protected mode entry */
#define MB2_HEADER_TAG_END	0

/* What the loader leaves in EAX. */
#define MB2_BOOTLOADER_MAGIC	0x36d76289

/* Tags of the boot information. */
#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1	/* a NUL-terminated string */
#define MB2_TAG_MMAP		6
#define MB2_TAG_ALIGN		8

/* Memory-map entry types. */
#define MB2_MEM_AVAILABLE	1

#ifndef __ASSEMBLER__
#include "lib/types.h"

struct mb2_info {
	u32 total_size;
	u32 reserved;
	/* tags follow, each aligned to MB2_TAG_ALIGN */
};

struct mb2_tag {
	u32 type;
	u32 size;		/* including this header */
};

struct mb2_mmap_tag {
	struct mb2_tag tag;
	u32 entry_size;		/* may grow one day: step by this */
	u32 entry_version;
	/* entries follow */
};

struct mb2_mmap_entry {
	u64 base;
	u64 len;
	u32 type;
	u32 reserved;
};
#endif

#endif /* GUEST_MULTIBOOT2_H */
