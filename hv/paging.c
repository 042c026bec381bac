// SPDX-License-Identifier: GPL-2.0
/*
 * paging.c - the page tables the CPU walks while the guest runs: ours.
 *
 * The guest never sees a page table of the host.  It runs on 4-level
 * trees that we build from pages of our own: the lower half shadows the
 * guest's own tables (shadow.c), the upper half maps the Switcher and
 * nothing else (switcher.c).  Every entry we write points at a page we
 * chose: a pinned page of the guest's memory, a Switcher page, or another
 * table of ours.  That is the whole safety argument: the guest can ask,
 * we decide.
 *
 * The tree is the hardware's format, so these helpers are plain: walk
 * from the root, nine bits of the address per level, allocating missing
 * tables on the way if asked.  No entry ever has the Global bit: a global
 * translation would outlive the guest's CR3 (book/04-world-switch.md).
 *
 * Book: book/07-shadow-paging.md.  Read switcher.h next.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "vm.h"


/* Tables are reached by both halves; user access is decided at the leaf. */
#define PT_TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

/** pt_alloc() - a zeroed page to hold a table, charged to the caller. */
u64 *pt_alloc(void)
{
	return (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
}

/**
 * pt_entry() - find the last-level entry that maps @va under @root.
 * @root: the PML4.
 * @va: a virtual address.
 * @tables: where to count the intermediate tables created on the way
 *	(may sleep); NULL to create none and give up at a missing one.
 *
 * Return: a pointer to the entry, or NULL if a table is missing and
 * @tables is NULL, or if allocation failed.
 */
u64 *pt_entry(u64 *root, unsigned long va, unsigned long *tables)
{
	u64 *table = root;
	int level;

	for (level = PT_LEVELS; level > 1; level--) {
		u64 *e = &table[PT_INDEX(va, level)];

		if (!(*e & _PAGE_PRESENT)) {
			u64 *next;

			if (!tables)
				return NULL;
			next = pt_alloc();
			if (!next)
				return NULL;
			(*tables)++;
			*e = __pa(next) | PT_TABLE_FLAGS;
		}
		table = __va(*e & PTE_PFN_MASK);
	}
	return &table[PT_INDEX(va, 1)];
}

/**
 * pt_map() - map the page frame @pfn at @va with @flags.
 * @tables: counts the tables created, as for pt_entry().
 *
 * Return: 0 or -ENOMEM.
 */
int pt_map(u64 *root, unsigned long va, unsigned long pfn, u64 flags,
	   unsigned long *tables)
{
	u64 *e = pt_entry(root, va, tables);

	if (!e)
		return -ENOMEM;
	*e = ((u64)pfn << PAGE_SHIFT) | flags;
	return 0;
}

/* Free @table (at @level) and the tables below it, which it returns the
 * number of; leaves are not ours to free. */
static unsigned long pt_free_level(u64 *table, int level)
{
	unsigned long n = 1;
	int i;

	if (level > 1) {
		for (i = 0; i < PT_ENTRIES; i++)
			if (table[i] & _PAGE_PRESENT)
				n += pt_free_level(__va(table[i] & PTE_PFN_MASK),
						   level - 1);
	}
	free_page((unsigned long)table);
	return n;
}

/**
 * pt_free_lower() - free the lower half's tables: forget the guest's.
 *
 * Return: how many tables were freed.
 */
unsigned long pt_free_lower(u64 *root)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < PT_ENTRIES / 2; i++) {
		if (root[i] & _PAGE_PRESENT)
			n += pt_free_level(__va(root[i] & PTE_PFN_MASK),
					   PT_LEVELS - 1);
		root[i] = 0;
	}
	return n;
}

/* Clear the write bit of every leaf below @table (at @level). */
static void pt_protect_level(u64 *table, int level)
{
	int i;

	for (i = 0; i < PT_ENTRIES; i++) {
		if (!(table[i] & _PAGE_PRESENT))
			continue;
		if (level == 1)
			table[i] &= ~_PAGE_RW;
		else
			pt_protect_level(__va(table[i] & PTE_PFN_MASK),
					 level - 1);
	}
}

/**
 * pt_protect_lower() - make every page the lower half of @root maps
 * read-only (our tables have no huge pages: a leaf is always level 1).
 */
void pt_protect_lower(u64 *root)
{
	int i;

	for (i = 0; i < PT_ENTRIES / 2; i++)
		if (root[i] & _PAGE_PRESENT)
			pt_protect_level(__va(root[i] & PTE_PFN_MASK),
					 PT_LEVELS - 1);
}

/** pt_free() - free every table of the tree rooted at @root. */
void pt_free(u64 *root)
{
	if (root)
		pt_free_level(root, PT_LEVELS);
}
