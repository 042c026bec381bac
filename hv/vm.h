/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - one virtual machine, and the functions the module's files share.
 *
 * An open file of /dev/ligeiro holds one struct ligeiro_vm.  Its memory
 * is the launcher's own anonymous mapping, pinned; its page tables are
 * ours (paging.c); its registers live here between runs and travel to the
 * Switcher's per-CPU page for each run (switcher.c); run.c decides what
 * each exit means and hypercall.c serves the guest's requests.
 *
 * Book: book/04-world-switch.md.  Read main.c for how a VM is born.
 */
#ifndef LIGEIRO_VM_H
#define LIGEIRO_VM_H

#include <linux/mutex.h>
#include <asm/fpu/api.h>
#include <linux/mm_types.h>
#include <linux/wait.h>

#include "ligeiro.h"
#include "switcher.h"

/**
 * struct ligeiro_vm - everything the hypervisor knows about one guest.
 * @lock: one LIGEIRO_RUN at a time.
 * @created: LIGEIRO_CREATE_VM has succeeded.
 * @done: the guest shut down or was killed; it will not run again.
 * @pages: the pinned pages of guest-physical memory, in order.
 * @npages: how many.
 * @root: the top of the guest's page tables (a PML4), ours.
 * @cpu: the CPU whose Switcher pages are mapped in @root, or -1.
 * @regs: the guest's registers while it is not running.
 * @segs: its data segments and FS/GS bases.
 * @cr2: the faulting address of the last page fault exit.
 * @shared_gpa: where the guest's struct ligeiro_shared is, or 0.
 * @fpu: the guest's FPU/SSE state, apart from the launcher's own.
 * @stats: the counters of LIGEIRO_GET_STATS.
 */
struct ligeiro_vm {
	struct mutex lock;
	bool created, done;
	struct page **pages;
	unsigned long npages;
	u64 *root;
	int cpu;
	struct switcher_regs regs;
	struct switcher_segs segs;
	u64 cr2;
	u64 shared_gpa;
	struct fpu_guest fpu;
	struct ligeiro_stats stats;
};

static inline u64 vm_mem_size(const struct ligeiro_vm *vm)
{
	return (u64)vm->npages << PAGE_SHIFT;
}

/* True when [gpa, gpa + len) lies inside guest memory (overflow-safe). */
static inline bool vm_range_ok(const struct ligeiro_vm *vm, u64 gpa, u64 len)
{
	return gpa <= vm_mem_size(vm) && len <= vm_mem_size(vm) - gpa;
}

/* vm.c */
int vm_create(struct ligeiro_vm *vm, const struct ligeiro_create *c);
void vm_destroy(struct ligeiro_vm *vm);
void *vm_page_ptr(struct ligeiro_vm *vm, u64 gpa);

/* paging.c */
u64 *pt_alloc(void);
u64 *pt_entry(u64 *root, unsigned long va, bool alloc);
int pt_map(u64 *root, unsigned long va, unsigned long pfn, u64 flags);
void pt_free(u64 *root);

/* switcher.c */
int switcher_init(void);
void switcher_exit(void);
int switcher_map(u64 *root);
unsigned long switcher_guest_addr(void);
void switcher_run(struct ligeiro_vm *vm);

/* run.c */
int vm_run(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
int vm_kill(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
	    const char *fmt, ...) __printf(3, 4);

/* hypercall.c */
int hypercall(struct ligeiro_vm *vm, struct ligeiro_exit *exit);

#endif /* LIGEIRO_VM_H */
