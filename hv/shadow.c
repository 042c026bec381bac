// SPDX-License-Identifier: GPL-2.0
/*
 * shadow.c - shadow paging: the guest's page tables, as the CPU sees them.
 *
 * The guest keeps ordinary 4-level page tables in its own memory and tells
 * us (HCALL_NEW_CR3) when it switches to another set.  The CPU never walks
 * them: it walks a *shadow* tree of ours, which starts empty and fills in
 * one entry per page fault.  On a fault we walk the guest's tables the way
 * the MMU would, and either the guest's tables allow the access -- then we
 * write the shadow entry that maps the same guest page with the same
 * rights, and the guest never knows -- or they do not, and the fault is
 * the guest's own: we reflect it to its handler (interrupts.c).
 *
 * We keep the guest's accessed and dirty bits as the MMU would: a walk
 * sets A in every entry it uses, and a page is mapped read-only in the
 * shadow until the first write, which faults, sets D, and maps it
 * writable.  The guest changes its tables with plain writes and then
 * tells us which addresses changed (HCALL_INVLPG, or the batch in the
 * shared page, drained at the next exit); we simply drop those shadow
 * entries and let faults fill them again.
 *
 * Every shadow entry points at a pinned page of guest memory, and we walk
 * only tables inside guest memory: a guest whose tables point elsewhere,
 * try to map the upper half, or loop, is killed.  A few recent address
 * spaces keep their shadow roots (lguest's "pgdir" cache), so switching
 * back to a process does not start from an empty tree.
 *
 * Book: book/07-shadow-paging.md works through one fault in detail.  Read
 * decode.h next.
 */
#include <linux/mm.h>
#include <asm/trap_pf.h>
#include <asm/traps.h>

#include "vm.h"

/* Guest-physical u64 at @gpa (8-aligned, checked by the caller). */
static u64 *guest_u64(struct ligeiro_vm *vm, u64 gpa)
{
	return vm_page_ptr(vm, gpa);
}

/**
 * guest_walk() - walk the guest's tables for @va as the MMU would.
 * @w: what the walk found.
 *
 * Return: 0, or 1 with @exit filled in when the tables are hostile and
 * the guest dies.
 */
int guest_walk(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       struct guest_walk *w)
{
	u64 tables[4], table = vm->cur->gcr3;
	int level, i;

	*w = (struct guest_walk){ .write = true, .user = true };
	if (table == SHADOW_IDENTITY) {	/* no guest tables yet */
		w->gpa = va & PAGE_MASK;
		w->present = vm_range_ok(vm, w->gpa, PAGE_SIZE);
		w->user = false;
		return 0;
	}
	for (level = PT_LEVELS; level >= 1; level--) {
		u64 *e, entry;

		if (!vm_range_ok(vm, table, PAGE_SIZE))
			return vm_kill(vm, exit, "guest page table at 0x%llx is outside guest memory",
				       table);
		for (i = 4; i > level; i--)
			if (tables[i - 1] == table)
				return vm_kill(vm, exit, "guest page tables loop: the level-%d table at 0x%llx is also at level %d",
					       level, table, i);
		tables[level - 1] = table;

		e = guest_u64(vm, table + PT_INDEX(va, level) * 8);
		entry = READ_ONCE(*e);
		if (!(entry & _PAGE_PRESENT))
			return 0;
		w->write &= !!(entry & _PAGE_RW);
		w->user &= !!(entry & _PAGE_USER);
		w->nx |= !!(entry & _PAGE_NX);
		if (!(entry & _PAGE_ACCESSED)) {
			WRITE_ONCE(*e, entry | _PAGE_ACCESSED);
			vm_mark_dirty(vm, table);
		}
		table = entry & PTE_PFN_MASK;
		if (level == 1 || (level <= 3 && entry & _PAGE_PSE)) {
			/* a leaf: 4 KiB, or a 2 MiB / 1 GiB page */
			u64 span = 1ULL << (12 + 9 * (level - 1));

			if (level > 1)
				table &= ~(span - 1);
			w->huge = level > 1;
			w->gpa = table + (va & (span - 1) & PAGE_MASK);
			w->leaf = e;
			w->present = true;
			vm_mark_dirty(vm, tables[level - 1]);	/* its D bit */
			w->mmio = vm_mmio_gpa(w->gpa);
			if (!w->mmio && !vm_range_ok(vm, w->gpa, PAGE_SIZE))
				return vm_kill(vm, exit, "guest maps 0x%llx to 0x%llx, outside guest memory",
					       va, w->gpa);
			return 0;
		}
	}
	return 0;
}

/* Free the lower half of root @r: its shadow, but not the Switcher. */
static void root_forget(struct ligeiro_vm *vm, struct shadow_root *r)
{
	vm->shadow_tables -= pt_free_lower(r->pml4);
}

/*
 * The guest has made us hold as many tables as it may (vm.h): forget
 * every address space's shadow.  Nothing is lost but time: the next
 * faults rebuild what the guest really uses.
 */
static void shadow_recycle(struct ligeiro_vm *vm)
{
	int i;

	for (i = 0; i < vm->nroots; i++)
		if (vm->roots[i].pml4)
			root_forget(vm, &vm->roots[i]);
	vm->stats.shadow_recycles++;
}

/* The shadow entry for guest page @gpa with the rights of a walk. */
static u64 shadow_pte(struct ligeiro_vm *vm, u64 gpa, bool write, bool user,
		      bool nx)
{
	u64 pte = ((u64)page_to_pfn(vm->pages[gpa >> PAGE_SHIFT]) <<
		   PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;

	if (write) {
		pte |= _PAGE_RW | _PAGE_DIRTY;
		vm_mark_dirty(vm, gpa);
	}
	if (user)
		pte |= _PAGE_USER;
	if (nx)
		pte |= _PAGE_NX;
	return pte;	/* never _PAGE_GLOBAL, protection key 0 */
}

/*
 * Prefetch, as KVM's pte_prefetch: a fault at one page is often followed
 * by faults at its neighbours (the guest kernel zeroes the pages it hands
 * out in order; a process walks through its heap).  So the entries
 * around @va in the same guest table are shadowed now too, PREFETCH_PAGES
 * of them, aligned.  Only entries the guest's MMU could already have
 * cached: present and accessed.  An entry without the accessed bit waits
 * for its own fault, which sets it; a clean one is mapped read-only, so
 * that the first write still faults and sets its dirty bit.  A
 * neighbour's rights are the faulting walk's upper levels (taken, to be
 * safe, with the faulting leaf's own) and its own leaf's.  Page frames
 * outside guest memory or in the device window are left alone: they kill
 * the guest only if it touches them.  `--no-prefetch` turns this off.
 */
#define PREFETCH_PAGES	16

static void shadow_prefetch(struct ligeiro_vm *vm, u64 va,
			    const struct guest_walk *w, u64 *e)
{
	/* the guest's table and ours, side by side: entry i maps the same */
	u64 *gpt = PTR_ALIGN_DOWN(w->leaf, PAGE_SIZE);
	u64 *spt = PTR_ALIGN_DOWN(e, PAGE_SIZE);
	unsigned int first = PT_INDEX(va, 1) & ~(PREFETCH_PAGES - 1), i;

	for (i = first; i < first + PREFETCH_PAGES; i++) {
		u64 gpte = READ_ONCE(gpt[i]), gpa = gpte & PTE_PFN_MASK;

		if (spt[i] ||
		    (gpte & (_PAGE_PRESENT | _PAGE_ACCESSED)) !=
		    (_PAGE_PRESENT | _PAGE_ACCESSED) ||
		    vm_mmio_gpa(gpa) || !vm_range_ok(vm, gpa, PAGE_SIZE))
			continue;
		spt[i] = shadow_pte(vm, gpa,
				w->write && (gpte & _PAGE_RW) &&
				(gpte & _PAGE_DIRTY) && !vm->dirty,
				w->user && (gpte & _PAGE_USER),
				w->nx || (gpte & _PAGE_NX));
	}
}

/*
 * Write the shadow entry for @va from walk @w, writable if @dirty allows,
 * and prefetch its neighbours; 0 or 1 (out of memory).
 */
static int shadow_set(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		      u64 va, struct guest_walk *w, bool dirty)
{
	u64 *e;

	if (vm->shadow_tables >= vm->shadow_tables_max)
		shadow_recycle(vm);
	e = pt_entry(vm->cur->pml4, va, &vm->shadow_tables);
	if (!e)
		return vm_kill(vm, exit, "out of memory for shadow page tables");
	*e = shadow_pte(vm, w->gpa, w->write && dirty, w->user, w->nx);
	vm->stats.shadow_tables_peak = max_t(u64, vm->stats.shadow_tables_peak,
					     vm->shadow_tables);
	if (vm->prefetch && w->leaf && !w->huge)
		shadow_prefetch(vm, va, w, e);
	return 0;
}

/**
 * shadow_fault() - a page fault in the guest: ours to fix, or the guest's?
 * @vm: the guest; @vm->cr2 and @vm->regs->error describe the fault.
 * @exit: filled in if the guest dies.
 * @mmio_gpa: set when the answer is SHADOW_MMIO.
 *
 * Return: 0 when the shadow now maps the page (re-enter the guest), -1
 * when the guest's own tables forbid the access (reflect the fault to
 * the guest, with the error code the guest's MMU would have given), 1
 * when the guest was killed, SHADOW_MMIO when the guest's tables map a
 * device register there: never mapped in the shadow, so that every
 * access traps (book/08).
 */
int shadow_fault(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		 u64 *mmio_gpa)
{
	/* LAB(shadow): begin */
	u64 va = vm->cr2, err = vm->regs->error;
	bool write = err & X86_PF_WRITE, user = err & X86_PF_USER;
	bool fetch = err & X86_PF_INSTR;
	struct guest_walk w;

	if (guest_walk(vm, exit, va, &w))
		return 1;
	if (!w.present) {
		vm->regs->error = err & ~X86_PF_PROT;
		return -1;
	}
	if ((write && !w.write) || (user && !w.user) || (fetch && w.nx)) {
		vm->regs->error = err | X86_PF_PROT;
		return -1;
	}
	if (w.mmio) {
		*mmio_gpa = w.gpa + offset_in_page(va);
		return SHADOW_MMIO;
	}
	/* The MMU sets the dirty bit on the first write; so do we. */
	if (write && w.leaf && !(*w.leaf & _PAGE_DIRTY))
		WRITE_ONCE(*w.leaf, *w.leaf | _PAGE_DIRTY);
	vm->stats.shadow_faults++;
	return shadow_set(vm, exit, va, &w,
			  !w.leaf || (READ_ONCE(*w.leaf) & _PAGE_DIRTY));
	/* LAB(shadow): end */
}

/* The guest changed the mapping of @va: forget it in every root, since
 * address spaces share their kernel part. */
void shadow_invalidate(struct ligeiro_vm *vm, u64 va)
{
	/* LAB(shadow): begin */
	int i;

	for (i = 0; i < vm->nroots; i++) {
		u64 *e;

		if (!vm->roots[i].pml4)
			continue;
		if (va == LIGEIRO_BATCH_ALL) {
			root_forget(vm, &vm->roots[i]);
			continue;
		}
		if (va >= LOWER_HALF_END)
			continue;
		e = pt_entry(vm->roots[i].pml4, va, NULL);
		if (e)
			*e = 0;
	}
	/* LAB(shadow): end */
}

/**
 * shadow_drain() - apply the guest's queued page-table changes.
 *
 * Called at every exit, so a batch costs no exit of its own unless the
 * guest asks for one (HCALL_FLUSH).
 */
void shadow_drain(struct ligeiro_vm *vm)
{
	struct ligeiro_shared *sh = vm_shared(vm);
	u64 i, n;

	if (!sh)
		return;
	n = min_t(u64, READ_ONCE(sh->batch_count), LIGEIRO_BATCH_MAX);
	for (i = 0; i < n; i++)
		shadow_invalidate(vm, READ_ONCE(sh->batch[i]));
	WRITE_ONCE(sh->batch_count, 0);
	vm->stats.batched += n;
}

/*
 * Dirty logging (state.c): every root's writable entries become read-only,
 * so the guest's next write to each page faults; shadow_fault() then maps
 * it writable again, and shadow_pte() logs it.  The next world switch
 * loads CR3, which drops whatever the TLB still held.
 */
void shadow_protect(struct ligeiro_vm *vm)
{
	int i;

	for (i = 0; i < vm->nroots; i++)
		if (vm->roots[i].pml4)
			pt_protect_lower(vm->roots[i].pml4);
}

/* Make @r an empty root for @gcr3, allocating it the first time. */
static int root_reset(struct ligeiro_vm *vm, struct shadow_root *r, u64 gcr3)
{
	if (!r->pml4) {
		r->pml4 = pt_alloc();
		if (!r->pml4)
			return -ENOMEM;
		/* valid before anything can fail: switch.S trusts them */
		r->cr3 = __pa(r->pml4);
		r->cpu = -1;
		if (switcher_map(r->pml4))
			return -ENOMEM;
	}
	root_forget(vm, r);
	r->gcr3 = gcr3;
	return 0;
}

/**
 * shadow_new_cr3() - the guest switches to the address space at @gcr3.
 * @fresh: start its shadow empty even if it is cached.  A native guest's
 *	mov to %cr3 flushes the (untagged) TLB: it may have changed the
 *	tables of an address space while another was loaded, and nothing
 *	told us which entries.  A paravirtual guest promises to tell us.
 *
 * Return: 0, or 1 with @exit filled in if the guest was killed.
 */
int shadow_new_cr3(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gcr3,
		   bool fresh)
{
	/* LAB(shadow): begin */
	struct shadow_root *r, *victim = NULL;
	unsigned int start, k;
	u64 *pml4;
	int i;

	if (!PAGE_ALIGNED(gcr3) || !vm_range_ok(vm, gcr3, PAGE_SIZE))
		return vm_kill(vm, exit, "new address space: 0x%llx is not a page of guest memory",
			       gcr3);
	vm->stats.cr3_loads++;
	/*
	 * The search starts where the address hashes to, and so does the
	 * search for a free slot: a cached root is nearly always found at
	 * once, however many processes take turns.
	 */
	start = (gcr3 >> PAGE_SHIFT) % vm->nroots;
	for (k = 0; k < vm->nroots; k++) {
		r = &vm->roots[(start + k) % vm->nroots];
		if (r->pml4 && r->gcr3 == gcr3 && fresh) {
			root_forget(vm, r);
			goto found;
		}
		if (r->pml4 && r->gcr3 == gcr3) {
			vm->stats.cr3_hits++;
			goto found;
		}
		/* the first free slot, else the least recently loaded */
		if (!victim || (victim->pml4 && (!r->pml4 || r->used < victim->used)))
			victim = r;
	}
	/*
	 * A new address space: refuse tables that claim the upper half.  (A
	 * cached one is not rescanned: its upper half is never walked, and
	 * a fault there kills the guest anyway.)
	 */
	pml4 = guest_u64(vm, gcr3);
	for (i = PTRS_PER_PGD / 2; i < PTRS_PER_PGD; i++)
		if (READ_ONCE(pml4[i]) & _PAGE_PRESENT)
			return vm_kill(vm, exit, "guest page tables at 0x%llx map the upper half (entry %d), which belongs to the hypervisor",
				       gcr3, i);
	r = victim;
	if (root_reset(vm, r, gcr3))
		return vm_kill(vm, exit, "out of memory for shadow page tables");
found:
	r->used = ++vm->loads;
	vm->cur = r;
	return 0;
	/* LAB(shadow): end */
}

/**
 * shadow_init() - @nroots empty roots, and the first one current: guest
 * memory identity-mapped.
 */
int shadow_init(struct ligeiro_vm *vm, unsigned int nroots)
{
	struct shadow_root *r;

	vm->roots = kcalloc(nroots, sizeof(*vm->roots), GFP_KERNEL_ACCOUNT);
	if (!vm->roots)
		return -ENOMEM;
	vm->nroots = nroots;
	r = &vm->roots[0];
	vm->shadow_tables_max = SHADOW_TABLES_MIN +
				vm->npages / SHADOW_PAGES_PER_TABLE;
	if (root_reset(vm, r, SHADOW_IDENTITY))
		return -ENOMEM;
	vm->cur = r;
	return 0;
}

/** shadow_destroy() - free every root. */
void shadow_destroy(struct ligeiro_vm *vm)
{
	int i;

	for (i = 0; i < vm->nroots; i++)
		pt_free(vm->roots[i].pml4);
	kfree(vm->roots);
	vm->roots = NULL;
	vm->nroots = 0;
	vm->cur = NULL;
}
