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
 * Book: book/04-world-switch.md.  Read vm.c next.
 */
#ifndef LIGEIRO_VM_H
#define LIGEIRO_VM_H

#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <asm/fpu/api.h>
#include <linux/mm_types.h>
#include <linux/wait.h>
#include <asm/trap_pf.h>

#include "ligeiro.h"
#include "switcher.h"

/*
 * The most shadow tables a guest may make us hold below its roots: a
 * few, plus one per 32 pages of its memory (3%, where KVM allows 2%).
 * Its own tables can be tiny and still name millions of ours (every
 * entry of one table pointing at the same next table), so past the
 * bound we free them all and let faults build what is in use again.
 */
#define SHADOW_TABLES_MIN	64
#define SHADOW_PAGES_PER_TABLE	32
#define LOWER_HALF_END	(1ULL << 47)	/* the guest's half ends here */

/* 4-level tables, guest's and ours: nine bits of the address per level. */
#define PT_LEVELS	4
#define PT_ENTRIES	PTRS_PER_PTE
#define PT_INDEX(va, level) \
	(((va) >> (PAGE_SHIFT + 9 * ((level) - 1))) & (PT_ENTRIES - 1))
/* The guest-CR3 key of the root we build at creation, before the guest
 * has page tables of its own: guest memory identity-mapped. */
#define SHADOW_IDENTITY	LIGEIRO_NO_CR3

/**
 * struct shadow_root - one address space's shadow page tables.
 * @pml4: our PML4: the lower half shadows the guest's, the upper half
 *	holds the Switcher; @cr3: its physical address, what CR3 takes.
 * @gcr3: the guest-physical address of the guest's PML4 it shadows.
 * @cpu: the CPU whose Switcher pages are mapped in it, or -1.
 * @used: when it was last loaded (for eviction).
 */
struct shadow_root {
	u64 *pml4;
	u64 cr3;
	u64 gcr3;
	int cpu;
	u64 used;
};

/*
 * Trap mode's virtual CPU and PC devices (struct ligeiro_virt_cpu and
 * struct ligeiro_virt_pc) are defined in uapi/ligeiro.h: they are part of
 * the state LIGEIRO_GET_VCPU hands out, and one definition serves both.
 */

/**
 * struct ligeiro_vm - everything the hypervisor knows about one guest.
 * @lock: one LIGEIRO_RUN at a time.
 * @mode: LIGEIRO_MODE_PV or LIGEIRO_MODE_TRAP.
 * @done: the guest shut down or was killed; it will not run again.
 * @pages: the pinned pages of guest-physical memory, in order; non-NULL
 *	exactly when LIGEIRO_CREATE_VM has succeeded.
 * @npages: how many.
 * @roots: the cache of shadow roots (lguest's pgdirs), @nroots of them
 *	(CREATE_VM's roots); @cur is the one in use.
 * @prefetch: a shadow fault fills the neighbours too (shadow.c).
 * @lazy_host: host state and MSRs switch once, not at every entry
 *	(switcher.c); @run: the number of the LIGEIRO_RUN in progress.
 * @fast_cr3: the Switcher may serve HCALL_NEW_CR3 to a cached address
 *	space by itself (switch.S, ligeiro_fast_cr3): pv mode only.
 * @cur: the current address space.
 * @loads: a clock for @roots' @used.
 * @shadow_tables: how many tables the lower halves of @roots hold now;
 *	@shadow_tables_max: the bound (SHADOW_TABLES_MIN...).
 * @rw: the guest's own page at the Switcher's rw slot (switcher.c):
 *	the exit path leaves its registers there, the entry takes them.
 * @regs: the guest's registers, in @rw; @segs: its data segments and
 *	FS/GS bases, in @rw too.
 * @cr2: the faulting address of the last page fault exit.
 * @shared: the guest's struct ligeiro_shared once registered, or NULL (a
 *	pinned page of guest memory: the pointer is kept, not looked up at
 *	every exit); @shared_gpa: its guest-physical address.
 * @dirty: while the launcher logs dirty pages (state.c), one bit per page
 *	of guest memory the guest may have written since it last asked;
 *	else NULL.
 * @idt_gpa: where the guest's IDT is (HCALL_LOAD_IDT), or 0: until then
 *	every guest fault is fatal.
 * @kstack: the guest kernel's stack for traps from ring 3 (pv mode;
 *	trap mode reads it from the guest's own TSS).
 * @syscall_gate: the direct gate for `int $0x80`, or all zero.
 * @pending: interrupts waiting for the guest (bit n: vector
 *	LIGEIRO_IRQ_VECTOR + n;
 *	in trap mode, IRQ line n of the virtual PIC).
 * @timer: the guest's one-shot timer.
 * @wq: where HCALL_HALT sleeps.
 * @task: the vCPU thread while it is in LIGEIRO_RUN, else NULL.
 * @fpu: the guest's FPU/SSE state, apart from the launcher's own.
 * @pkru: the guest's PKRU, which @fpu does not hold (switcher.c).
 * @tsc_offset: the guest's TSC less the host's: 0 until a restore, which
 *	makes the guest's go on from where it was saved (state.c); while
 *	it is not 0 the guest's rdtsc traps (CR4.TSD) and is emulated.
 * @stats: the counters of LIGEIRO_GET_STATS.
 * @cpu: trap mode's virtual CPU; @pc: its devices.
 * @ready: set (with release) once created: LIGEIRO_IRQ takes no lock.
 * @lab_missing: a lab's stub that cannot fail by itself (it returns
 *	nothing) names itself here, and the run loop kills the guest with
 *	that name (labs/README.md); NULL in the reference.
 * @mmio_read: a device read of @mmio_size bytes is with the launcher: its
 *	value goes into general register @mmio_reg (@mmio_reg_size bytes of
 *	it) at the next run.
 */
struct ligeiro_vm {
	struct mutex lock;
	u32 mode;
	bool done;
	struct page **pages;
	unsigned long npages;
	struct shadow_root *roots;
	unsigned int nroots;
	bool prefetch, lazy_host, fast_cr3;
	u64 run;
	struct shadow_root *cur;
	u64 loads;
	unsigned long shadow_tables, shadow_tables_max;
	struct switcher_rw *rw;
	struct switcher_regs *regs;
	struct switcher_segs *segs;
	u64 cr2;
	struct ligeiro_shared *shared;
	u64 shared_gpa;
	unsigned long *dirty;
	u64 idt_gpa;
	u64 kstack;
	gate_desc syscall_gate;
	unsigned long pending;
	struct hrtimer timer;
	wait_queue_head_t wq;
	struct task_struct *task;
	struct fpu_guest fpu;
	u32 pkru;
	s64 tsc_offset;
	struct ligeiro_stats stats;
	struct ligeiro_virt_cpu cpu;
	struct ligeiro_virt_pc pc;
	bool ready;
	const char *lab_missing;
	bool mmio_read;
	u8 mmio_reg, mmio_reg_size, mmio_size;
};

/* The device window (uapi/ligeiro.h): device registers, not memory. */
static inline bool vm_mmio_gpa(u64 gpa)
{
	return gpa >= LIGEIRO_MMIO_BASE &&
	       gpa - LIGEIRO_MMIO_BASE < LIGEIRO_MMIO_SLOTS * LIGEIRO_MMIO_STRIDE;
}

static inline u64 vm_mem_size(const struct ligeiro_vm *vm)
{
	return (u64)vm->npages << PAGE_SHIFT;
}

/* True when [gpa, gpa + len) lies inside guest memory (overflow-safe). */
static inline bool vm_range_ok(const struct ligeiro_vm *vm, u64 gpa, u64 len)
{
	return gpa <= vm_mem_size(vm) && len <= vm_mem_size(vm) - gpa;
}

/*
 * Dirty logging: page @gpa may now be written without an exit (a
 * writable shadow entry), or the hypervisor wrote it for the guest.
 */
static inline void vm_mark_dirty(struct ligeiro_vm *vm, u64 gpa)
{
	if (unlikely(vm->dirty))
		__set_bit(gpa >> PAGE_SHIFT, vm->dirty);
}

/* What the native guest may set in %cr4: paging, SSE, UMIP and friends. */
#define CR4_ALLOWED	(X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE | \
			 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | X86_CR4_UMIP | \
			 X86_CR4_DE | X86_CR4_TSD | X86_CR4_MCE | X86_CR4_PCE)

/*
 * The registers we load with iretq come from the guest; iretq must never
 * fault in the Switcher, so hold them to what ring 1 and 3 may have: the
 * flags are made safe, and false means the selectors or rip cannot be.
 * NT stays: iretq looks at the NT it runs with, not the one it loads, and
 * every gate into the Switcher clears it; the guest's own next iretq must
 * fault on it, as it would have without the exit.
 */
static inline bool regs_sanitize(struct switcher_regs *r)
{
	r->rflags = (r->rflags | X86_EFLAGS_IF | X86_EFLAGS_FIXED) &
		    ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM);
	/* From ring 3 through a gate the CPU leaves a null SS (RPL 1). */
	if (r->cs == LIGEIRO_GUEST_KERNEL_CS)
		return (r->ss == LIGEIRO_GUEST_KERNEL_DS || r->ss == 1) &&
		       r->rip < LOWER_HALF_END;
	if (r->cs == LIGEIRO_GUEST_USER_CS)
		return r->ss == LIGEIRO_GUEST_USER_DS && r->rip < LOWER_HALF_END;
	return false;
}

/* vm.c */
int vm_create(struct ligeiro_vm *vm, const struct ligeiro_create *c);
void vm_destroy(struct ligeiro_vm *vm);
void *vm_page_ptr(struct ligeiro_vm *vm, u64 gpa);

/* paging.c */
u64 *pt_alloc(void);
u64 *pt_entry(u64 *root, unsigned long va, unsigned long *tables);
int pt_map(u64 *root, unsigned long va, unsigned long pfn, u64 flags,
	   unsigned long *tables);
unsigned long pt_free_lower(u64 *root);
void pt_protect_lower(u64 *root);
void pt_free(u64 *root);

/* shadow.c */
/**
 * struct guest_walk - what a walk of the guest's tables found.
 * @gpa: the guest-physical address @va maps to (page-aligned).
 * @leaf: the guest's entry that maps it (to set its dirty bit).
 * @write, @user, @nx: the rights of the whole path.
 * @present: false if some level was not present (a genuine fault).
 * @mmio: @gpa is in the device window: registers, not memory.
 * @huge: the leaf maps a 2 MiB or 1 GiB page.
 */
struct guest_walk {
	u64 gpa;
	u64 *leaf;
	bool write, user, nx, present, mmio, huge;
};

int guest_walk(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       struct guest_walk *w);
int shadow_init(struct ligeiro_vm *vm, unsigned int nroots);
void shadow_destroy(struct ligeiro_vm *vm);
int shadow_fault(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
		 u64 *mmio_gpa);
#define SHADOW_MMIO	2	/* shadow_fault(): the page is a device's */
int shadow_new_cr3(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gcr3,
		   bool fresh);
void shadow_invalidate(struct ligeiro_vm *vm, u64 va);
void shadow_drain(struct ligeiro_vm *vm);
void shadow_protect(struct ligeiro_vm *vm);

/* guestmem.c */
int guest_copy(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       void *buf, unsigned int len, unsigned int how);
int guest_peek(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       void *buf, unsigned int len);
int guest_phys(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 va,
	       u64 *gpa);
/* guest_copy()'s @how: bits of the access, as in a page-fault error code */
#define GUEST_READ	0
#define GUEST_WRITE	X86_PF_WRITE
#define GUEST_USER	X86_PF_USER

/* interrupts.c */
void irq_init(struct ligeiro_vm *vm);
int irq_reflect(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
int irq_deliver(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
bool irq_idt_fits(struct ligeiro_vm *vm, u64 gpa);
int irq_load_idt(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gpa);
int irq_soft(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 vector);
int irq_raise(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 vector,
	      u64 error);
bool irq_enabled(struct ligeiro_vm *vm);
void irq_set_enabled(struct ligeiro_vm *vm, bool on);
void irq_set_timer(struct ligeiro_vm *vm, u64 ns);
void irq_line(struct ligeiro_vm *vm, unsigned int line);
bool irq_halt(struct ligeiro_vm *vm);

/* switcher.c */
int switcher_init(void);
void switcher_exit(void);
int switcher_map(u64 *root);
unsigned long switcher_guest_addr(void);
void switcher_new_run(struct ligeiro_vm *vm);
void switcher_run(struct ligeiro_vm *vm);

/* run.c */
int vm_run(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
int vm_kill(struct ligeiro_vm *vm, struct ligeiro_exit *exit,
	    const char *fmt, ...) __printf(3, 4);

/* emulate.c */
int emulate(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
int emulate_rdtsc(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
int emulate_mmio(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gpa);

/* device.c */
u64 *vm_gpr(struct switcher_regs *r, unsigned int n);
void vm_set_reg(u64 *reg, u64 value, unsigned int size);
int mmio_request(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u64 gpa,
		 unsigned int size, bool write, u64 value, unsigned int reg,
		 unsigned int reg_size);
void mmio_complete(struct ligeiro_vm *vm, u64 value);

/* pc.c */
u32 pc_in(struct ligeiro_vm *vm, u16 port, unsigned int size);
int pc_out(struct ligeiro_vm *vm, struct ligeiro_exit *exit, u16 port,
	   unsigned int size, u32 value);
int pc_flush(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
int pic_ack(struct ligeiro_vm *vm, bool take);

/* hypercall.c */
int hypercall(struct ligeiro_vm *vm, struct ligeiro_exit *exit);
void vm_share(struct ligeiro_vm *vm, u64 gpa);

/* state.c */
long state_get(struct ligeiro_vm *vm, void __user *arg);
long state_set(struct ligeiro_vm *vm, const void __user *arg);
long state_dirty(struct ligeiro_vm *vm, const void __user *arg);

/* The shared page, once registered (a whole page of guest memory). */
static inline struct ligeiro_shared *vm_shared(struct ligeiro_vm *vm)
{
	return vm->shared;
}

#endif /* LIGEIRO_VM_H */
