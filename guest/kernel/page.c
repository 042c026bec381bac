/*
 * page.c - hand out and take back 4 KiB pages of physical memory.
 *
 * At boot the kernel learns which memory is free (natively from GRUB's
 * memory map, under ligeiro from the boot block's mem_size) and adds it
 * here as ranges, everything above the kernel's own image.  A page is
 * handed out from the free list of pages given back, or else carved off
 * the front of the first range that has any left.  Carving lazily means
 * boot never touches all of memory, and the loader's data (GRUB's boot
 * information may sit in free memory) stays intact until the kernel has
 * read it.  A free page stores the list's next pointer in its own first
 * word: the list costs no memory at all.
 *
 * Physical and virtual addresses are the same in the kernel (vm.c maps
 * all RAM at its own address), so a page is just a pointer.
 *
 * Book: book/02-guest.md, "Memory".  Read vm.h next.
 */
#include "kernel/page.h"
#include "lib/lib.h"

#define MAX_RANGES	16

static struct {
	u64 start, end;
} ranges[MAX_RANGES];
static unsigned int nranges, cur;
static void *free_list;
static u64 nfree;

/**
 * page_add_range() - make the whole pages in [start, end) allocatable.
 * @start: first byte.
 * @end: one past the last byte.
 *
 * Ranges beyond the first MAX_RANGES are ignored: a PC has a handful.
 */
void page_add_range(u64 start, u64 end)
{
	start = PAGE_UP(start);
	end = PAGE_DOWN(end);
	if (start >= end || nranges == MAX_RANGES)
		return;
	ranges[nranges].start = start;
	ranges[nranges].end = end;
	nranges++;
	nfree += (end - start) / PAGE_SIZE;
}

/**
 * page_alloc() - take one page, filled with zeros.
 *
 * Return: its address, or NULL when memory is exhausted.
 */
void *page_alloc(void)
{
	void *page = free_list;

	if (page) {
		free_list = *(void **)page;
	} else {
		while (cur < nranges && ranges[cur].start == ranges[cur].end)
			cur++;
		if (cur == nranges)
			return NULL;
		page = (void *)ranges[cur].start;
		ranges[cur].start += PAGE_SIZE;
	}
	nfree--;
	return memset(page, 0, PAGE_SIZE);
}

/**
 * page_free() - give back a page.
 * @page: from page_alloc().
 */
void page_free(void *page)
{
	*(void **)page = free_list;
	free_list = page;
	nfree++;
}

/** page_free_count() - how many pages are left. Return: their number. */
u64 page_free_count(void)
{
	return nfree;
}
