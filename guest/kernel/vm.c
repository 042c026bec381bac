/*
 * vm.c - the kernel's page tables, and every process's address space.
 *
 * The kernel builds its own 4-level tree mapping all of guest RAM at its
 * own address (virtual = physical), writable, supervisor-only, in 4 KiB
 * pages, page 0 left out so that a NULL pointer faults.  It hangs off PML4
 * slot 0.  Natively it replaces boot.S's temporary 4 GiB map; under
 * ligeiro the hypervisor's early identity map: from pv_ops.load_cr3 on,
 * the hypervisor shadows what we built (book/07-shadow-paging.md).
 *
 * Device registers (virtio_pci.c's BARs, ligeiro's MMIO window) are
 * mapped at their own address too, in slot 0 as well, with caching off:
 * a read must reach the device every time, a write at once.
 *
 * A process's PML4 shares slot 0 with the kernel's and has slot 1
 * (USER_BASE, usys.h) to itself, mapped with the U bit: ring 3 reaches
 * nothing of the kernel, while the kernel uses a system call's user
 * pointers directly.
 *
 * A leaf entry of a live address space is only written through
 * pv_ops.set_pte, which under ligeiro tells the hypervisor which address
 * changed.  Tables are added while a space lives but never taken away, so
 * an entry pointing at a new table is a plain store: a missing
 * translation is not cached anywhere, the next access just finds it.  A
 * space's tables are freed when it dies, and then pv_ops.flush(true) makes
 * the hypervisor forget every shadow: a freed table may come back as
 * another process's PML4, at the same address.
 *
 * Book: book/07-shadow-paging.md, and book/02-guest.md, "Memory".  Read
 * trap.h next.
 */
#include "boot/layout.h"
#include "kernel/page.h"
#include "kernel/usys.h"
#include "kernel/vm.h"
#include "lib/printf.h"
#include "pvops/pvops.h"

#define INDEX(va, level)	(((va) >> (3 + 9 * (level))) & 511)
#define USER_SLOT		INDEX(USER_BASE, 4)

static u64 *kernel_pml4;

/*
 * The level-1 entry for va, creating missing tables if alloc.  Tables
 * get the U bit in user space only: the kernel's half is closed to
 * ring 3 from the top.
 */
static u64 *walk(u64 *pml4, u64 va, bool alloc)
{
	u64 flags = PTE_P | PTE_W | (va >= USER_BASE ? PTE_U : 0);
	u64 *table = pml4, *e, *next;
	int level;

	for (level = 4; level > 1; level--) {
		e = &table[INDEX(va, level)];
		if (!(*e & PTE_P)) {
			next = alloc ? page_alloc() : NULL;
			if (!next)
				return NULL;
			*e = (u64)next | flags;
		}
		table = (u64 *)(*e & PTE_ADDR);
	}
	return &table[INDEX(va, 1)];
}

/**
 * vm_init() - map [PAGE_SIZE, ram_end) and switch to the kernel's tables.
 * @ram_end: the end of guest RAM.
 *
 * The tree is not live yet, so its entries are plain stores.
 */
void vm_init(u64 ram_end)
{
	u64 pa = PAGE_SIZE, *pte = NULL;

	kernel_pml4 = page_alloc();
	for (; kernel_pml4 && pa < ram_end; pa += PAGE_SIZE) {
		pte = walk(kernel_pml4, pa, true);
		if (!pte)
			break;
		/*
		 * Accessed and dirty from the start, as Linux's PAGE_KERNEL:
		 * nothing reads them here, and whoever walks the tables (the
		 * MMU, or ligeiro's shadow) need not set them on first use.
		 */
		*pte = pa | PTE_P | PTE_W | PTE_A | PTE_D;
	}
	if (!pte) {
		printf("ligeiro guest: FATAL: no memory for page tables\n");
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	vm_switch(NULL);
}

/**
 * vm_map_mmio() - map device registers into the kernel, uncached.
 * @pa: their physical address, which becomes their virtual one.
 * @size: how many bytes; whole pages around them are mapped.
 *
 * Below USER_BASE only: slot 0 is what every address space shares, so a
 * mapping made after processes exist is theirs too.
 *
 * Return: false if they lie beyond slot 0 or there is no memory for
 * the tables.
 */
bool vm_map_mmio(u64 pa, u64 size)
{
	u64 va, end = PAGE_UP(pa + size), *pte;

	if (end > USER_BASE || end < pa)
		return false;
	for (va = PAGE_DOWN(pa); va < end; va += PAGE_SIZE) {
		pte = walk(kernel_pml4, va, true);
		if (!pte)
			return false;
		pv_ops.set_pte(pte, va | PTE_P | PTE_W | PTE_PCD | PTE_PWT, va);
	}
	return true;
}

/* A new address space: the kernel's half and no user pages; or NULL. */
u64 *vm_new(void)
{
	u64 *pml4 = page_alloc();
	int i;

	for (i = 0; pml4 && i < PTES_PER_TABLE; i++)
		if (i != USER_SLOT)
			pml4[i] = kernel_pml4[i];
	return pml4;
}

/* Free a user table and everything below it, the pages too. */
static void free_table(u64 *table, int level)
{
	int i;

	for (i = 0; i < PTES_PER_TABLE; i++) {
		if (!(table[i] & PTE_P))
			continue;
		if (level > 1)
			free_table((u64 *)(table[i] & PTE_ADDR), level - 1);
		else
			page_free((void *)(table[i] & PTE_ADDR));
	}
	page_free(table);
}

/* Free an address space that is not loaded, with all its pages. */
void vm_free(u64 *pml4)
{
	if (pml4[USER_SLOT] & PTE_P)
		free_table((u64 *)(pml4[USER_SLOT] & PTE_ADDR), 3);
	page_free(pml4);
	pv_ops.flush(true);
}

/* The last-level entry that maps @va in @pml4, or NULL if none does. */
u64 *vm_pte(u64 *pml4, u64 va)
{
	return walk(pml4, va, false);
}

/* Load an address space: pml4, or the kernel's own if NULL. */
void vm_switch(u64 *pml4)
{
	pv_ops.load_cr3((u64)(pml4 ? pml4 : kernel_pml4));
}

/**
 * vm_map_zero() - map a fresh zeroed page at a user address.
 * @pml4: the current address space, or one not loaded since its birth.
 * @va: a page-aligned address in user space.
 *
 * Return: the page (at its kernel address), or NULL without memory.
 */
void *vm_map_zero(u64 *pml4, u64 va)
{
	void *page = page_alloc();
	u64 *pte = page ? walk(pml4, va, true) : NULL;

	if (!pte) {
		if (page)
			page_free(page);
		return NULL;
	}
	pv_ops.set_pte(pte, (u64)page | PTE_P | PTE_W | PTE_U, va);
	return page;
}

/**
 * vm_unmap() - unmap and free the user pages in [start, end).
 * @pml4: the current address space.
 * @start: page-aligned.
 * @end: page-aligned.
 *
 * A page is freed before its stale translation is flushed, at the end;
 * no process runs in between, and only this one could use it.
 */
void vm_unmap(u64 *pml4, u64 start, u64 end)
{
	u64 va, *pte;

	for (va = start; va < end; va += PAGE_SIZE) {
		pte = walk(pml4, va, false);
		if (!pte || !(*pte & PTE_P))
			continue;
		page_free((void *)(*pte & PTE_ADDR));
		pv_ops.set_pte(pte, 0, va);
	}
	pv_ops.flush(false);
}
