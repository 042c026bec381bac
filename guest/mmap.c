/*
 * mmap.c - find the memory map in the multiboot2 information and sum it.
 *
 * The boot information (multiboot2.h) is a size followed by tags, each
 * starting on an 8-byte boundary.  We walk them until the end tag, never
 * past total_size, looking for the memory-map tag: a list of regions with
 * a type each.  Only type 1, "available", is RAM we may use; the rest is
 * firmware tables, device memory or holes.  The guest uses none of it yet;
 * reporting it proves we read the loader's data correctly.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read result.c next.
 */
#include "layout.h"
#include "mmap.h"
#include "multiboot2.h"
#include "printf.h"

#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((u64)(a) - 1))

static const struct mb2_tag *find_tag(u64 info_addr, u32 type)
{
	const struct mb2_info *info = (const void *)info_addr;
	u64 end = info_addr + info->total_size;
	u64 p = info_addr + sizeof(*info);
	const struct mb2_tag *tag;

	while (p + sizeof(*tag) <= end) {
		tag = (const void *)p;
		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			return NULL;
		if (tag->type == type)
			return tag;
		p += ALIGN_UP(tag->size, MB2_TAG_ALIGN);
	}
	return NULL;
}

static const char *mem_type_name(u32 type)
{
	static const char *const names[] = {
		[1] = "usable", [2] = "reserved", [3] = "ACPI reclaimable",
		[4] = "ACPI NVS", [5] = "bad RAM",
	};

	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}

static void add_region(const struct mb2_mmap_entry *e,
		       struct mem_summary *sum)
{
	printf("mem: 0x%016lx-0x%016lx %s\n",
	       e->base, e->base + e->len - 1, mem_type_name(e->type));
	sum->regions++;
	if (e->type != MB2_MEM_AVAILABLE)
		return;
	sum->usable_bytes += e->len;
	if (e->base >= HIGH_MEMORY_START && e->len)
		sum->usable_high = true;
}

/**
 * mmap_read() - print the loader's memory map and sum it up.
 * @info_addr: physical (= virtual) address of the multiboot2 information.
 * @sum: filled with the number of regions and the usable memory.
 *
 * Return: NULL on success, or a sentence saying why there is no map.
 */
const char *mmap_read(u64 info_addr, struct mem_summary *sum)
{
	const struct mb2_mmap_tag *mm;
	u64 p, end;

	*sum = (struct mem_summary){ 0 };
	mm = (const void *)find_tag(info_addr, MB2_TAG_MMAP);
	if (!mm)
		return "no memory map tag in the multiboot2 information";
	if (mm->entry_size < sizeof(struct mb2_mmap_entry))
		return "memory map entries are too small";

	end = (u64)mm + mm->tag.size;
	for (p = (u64)(mm + 1); p + mm->entry_size <= end; p += mm->entry_size)
		add_region((const void *)p, sum);
	return NULL;
}
