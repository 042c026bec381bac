/*
 * page.h - the physical page allocator.
 *
 * Book: book/02-guest.md, "Memory".  Read page.c next.
 */
#ifndef GUEST_PAGE_H
#define GUEST_PAGE_H

#include "lib/types.h"
#include "lib/x86.h"

#define PAGE_UP(x)	(((x) + PAGE_SIZE - 1) & ~(u64)(PAGE_SIZE - 1))
#define PAGE_DOWN(x)	((x) & ~(u64)(PAGE_SIZE - 1))

void page_add_range(u64 start, u64 end);
void *page_alloc(void);
void page_free(void *page);
u64 page_free_count(void);

#endif /* GUEST_PAGE_H */
