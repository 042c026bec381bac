/*
 * mmap.c - what GRUB tells us: the memory map and the command line.
 *
 * The boot information (multiboot2.h) is a size followed by tags, each
 * starting on an 8-byte boundary.  We walk them until the end tag, never
 * past total_size, looking for the tag we want.  The memory map is a list
 * of regions with a type each.  Only type 1, "available", is RAM we may
 * use; the rest is firmware tables, device memory or holes.  The usable
 * part above the kernel's image goes to the page allocator (page.c), and
 * the end of the highest usable region is where the kernel's identity
 * map of RAM ends (vm.c).
 *
 * Book: book/02-guest.md, "The guest kernel".  Read guest/kernel/os.h
 * next.
 */
#include "boot/layout.h"
#include "boot/mmap.h"
#include "boot/multiboot2.h"
#include "kernel/page.h"
#include "lib/printf.h"

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

/* Only memory below IDENTITY_MAP_END is ever used: boot.S maps no more. */
static void add_region(const struct mb2_mmap_entry *e, u64 kernel_end,
		       struct mem_summary *sum)
{
	u64 start = e->base, end = e->base + e->len;

	printf("mem: 0x%016lx-0x%016lx %s\n",
	       e->base, e->base + e->len - 1, mem_type_name(e->type));
	sum->regions++;
	if (e->type != MB2_MEM_AVAILABLE)
		return;
	sum->usable_bytes += e->len;
	if (e->base >= HIGH_MEMORY_START && e->len)
		sum->usable_high = true;
	if (end > IDENTITY_MAP_END)
		end = IDENTITY_MAP_END;
	if (start < kernel_end)
		start = kernel_end;
	if (start < end) {
		page_add_range(start, end);
		if (end > sum->ram_end)
			sum->ram_end = end;
	}
}

/**
 * mmap_read() - print the loader's memory map, sum it up, and give the
 * usable memory above the kernel to the page allocator.
 * @info_addr: physical (= virtual) address of the multiboot2 information.
 * @kernel_end: the end of the kernel's image.
 * @sum: filled with the number of regions and the usable memory.
 *
 * The information itself may lie in memory given away here: read
 * everything needed from it before the first page_alloc().
 *
 * Return: NULL on success, or a sentence saying why there is no map.
 */
const char *mmap_read(u64 info_addr, u64 kernel_end, struct mem_summary *sum)
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
		add_region((const void *)p, kernel_end, sum);
	return NULL;
}

/**
 * mmap_cmdline() - the command line GRUB passed after the kernel's name.
 * @info_addr: physical (= virtual) address of the multiboot2 information.
 *
 * Return: the string, in the information; "" if there is none.
 */
const char *mmap_cmdline(u64 info_addr)
{
	const struct mb2_tag *tag = find_tag(info_addr, MB2_TAG_CMDLINE);

	return tag && tag->size > sizeof(*tag) ? (const char *)(tag + 1) : "";
}
