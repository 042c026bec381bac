/*
 * proc.c - processes: creation, exit, waiting, sleeping, and scheduling.
 *
 * A process is a program image copied into an address space of its own
 * (vm.c), a kernel stack, and a slot in a fixed table.  It runs at ring
 * 3 and enters the kernel only through a trap, which lands on its own
 * kernel stack: switching processes sets the stack the CPU (natively
 * TSS.RSP0) or the hypervisor (HCALL_SET_STACK) uses for traps from ring 3.
 *
 * The kernel is not preemptible: it runs with interrupts disabled and
 * enables them only to wait for one in schedule()'s idle loop.  A process
 * switches inside the kernel when it yields, sleeps, waits or exits;
 * preemption is just that a timer tick asks for a switch, and the way
 * back to ring 3 (trap_leave) makes it.  The scheduler is round-robin.
 *
 * A switch is three things: the address space, the ring-3 trap stack,
 * and the kernel stack itself (context_switch in trapentry.S).  A new
 * process's kernel stack is built to look as if it had trapped from
 * ring 3 and then switched away, so the first switch to it "returns" to
 * ring 3 through trap_return.
 *
 * Book: book/02-guest.md, "Processes".  Read usys.h next.
 */
#include "boot/layout.h"
#include "kernel/os.h"
#include "kernel/page.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/usys.h"
#include "kernel/vm.h"
#include "lib/lib.h"
#include "pvops/pvops.h"

struct proc *current;
static struct proc procs[NPROC];
static int nslots;	/* slots ever used: the scheduler looks no further */
static int next_pid = 1;
static bool need_resched;
static u64 switches;

/* The built-in program called name, or NULL. */
const struct program *program_find(const char *name)
{
	const struct program *prog;

	for (prog = programs; prog->name; prog++)
		if (streq(prog->name, name))
			return prog;
	return NULL;
}

static u64 kstack_top(struct proc *p)
{
	return (u64)(p->kstack + KSTACK_SIZE);
}

/*
 * A trap frame that "returns" to ring 3 at USER_BASE with arg in %rdi
 * and interrupts on, %rsp 8 below a 16-byte boundary as after a call;
 * below it what context_switch pops: six registers and trap_return.
 */
static void build_kstack(struct proc *p, u64 arg)
{
	struct trap_frame *tf = (struct trap_frame *)kstack_top(p) - 1;
	u64 *sp = (u64 *)tf - 7;

	memset(sp, 0, kstack_top(p) - (u64)sp);
	tf->rip = USER_BASE;
	tf->cs = USER_CS;
	tf->rflags = RFLAGS_IF | RFLAGS_FIXED;
	tf->rsp = USER_END - 8;
	tf->ss = USER_DS;
	tf->rdi = arg;
	sp[6] = (u64)trap_return;
	p->ksp = (u64)sp;
}

/**
 * proc_spawn() - start a built-in program as a child of the caller.
 * @name: the program.
 * @arg: the argument its entry point receives.
 *
 * Return: the new pid, or -1 if there is no such program, no free slot
 * or not enough memory.
 */
int proc_spawn(const char *name, u64 arg)
{
	const struct program *prog = program_find(name);
	struct proc *p = procs;
	u64 off, size;
	u8 *page;

	while (p < procs + NPROC && p->state != P_FREE)
		p++;
	if (!prog || p == procs + NPROC || !(p->pml4 = vm_new()))
		return -1;
	if (p - procs >= nslots)
		nslots = p - procs + 1;
	size = prog->end - prog->start;
	for (off = 0; off < size; off += PAGE_SIZE) {
		page = vm_map_zero(p->pml4, USER_BASE + off);
		if (!page) {
			vm_free(p->pml4);
			return -1;
		}
		memcpy(page, prog->start + off,
		       size - off < PAGE_SIZE ? size - off : PAGE_SIZE);
	}
	p->heap_start = p->brk = USER_BASE + PAGE_UP(size);
	build_kstack(p, arg);
	p->pid = next_pid++;
	p->parent = current;
	p->name = prog->name;
	p->state = P_RUNNABLE;
	return p->pid;
}

/* The next runnable process after prev, round-robin; prev itself last. */
static struct proc *pick_next(struct proc *prev)
{
	int start = prev ? prev - procs : nslots - 1, i;

	for (i = 1; i <= nslots; i++)
		if (procs[(start + i) % nslots].state == P_RUNNABLE)
			return &procs[(start + i) % nslots];
	return NULL;
}

/*
 * Run the next runnable process; return when the caller is picked again.
 * With none, wait for an interrupt (the timer's wakes sleepers) on the
 * caller's stack, which is intact even if the caller has exited.
 */
static void schedule(void)
{
	static u64 boot_sp;	/* the boot stack's context, never resumed */
	struct proc *prev = current, *next;

	while (!(next = pick_next(prev))) {
		pv_ops.halt();
		pv_ops.irq_disable();
	}
	need_resched = false;
	if (next == prev)
		return;
	switches++;
	current = next;
	/* the stack first: under ligeiro, vm_switch() carries it along */
	pv_ops.set_kernel_stack(kstack_top(next));
	vm_switch(next->pml4);
	context_switch(prev ? &prev->ksp : &boot_sp, next->ksp);
}

/* Leave the boot stack for the first process, for good. */
void proc_run(void)
{
	schedule();
	__builtin_unreachable();
}

/**
 * proc_exit() - end the current process.
 * @status: what its parent's SYS_WAIT will return.
 *
 * Its memory goes at once; the slot stays until the parent has collected
 * the status, unless there is no parent any more.  The first process's
 * exit ends the run.
 */
void proc_exit(int status)
{
	struct proc *p = current, *c;

	vm_switch(NULL);
	vm_free(p->pml4);
	p->status = status;
	for (c = procs; c < procs + NPROC; c++) {
		if (c->state == P_FREE || c->parent != p)
			continue;
		c->parent = NULL;
		if (c->state == P_ZOMBIE)
			c->state = P_FREE;
	}
	if (p->pid == 1)
		os_done(p->name, status);
	p->state = p->parent ? P_ZOMBIE : P_FREE;
	if (p->parent && p->parent->state == P_WAITING)
		p->parent->state = P_RUNNABLE;
	schedule();
	__builtin_unreachable();
}

/* Wait for the caller's child pid; its exit status, or -1: no such child. */
int proc_wait(int pid)
{
	struct proc *c = procs;

	while (c < procs + NPROC && (c->state == P_FREE || c->pid != pid ||
				     c->parent != current))
		c++;
	if (c == procs + NPROC)
		return -1;
	while (c->state != P_ZOMBIE) {
		current->state = P_WAITING;
		schedule();
	}
	c->state = P_FREE;
	return c->status;
}

/* Let every other runnable process run first. */
void proc_yield(void)
{
	schedule();
}

/* Sleep at least ms milliseconds: until the first tick after. */
void proc_sleep(u64 ms)
{
	if (ms > 1000000000)
		ms = 1000000000;	/* days: no overflow below */
	current->wake_ns = time_ns() + ms * 1000000;
	current->state = P_SLEEPING;
	schedule();
}

/**
 * proc_sbrk() - move the end of the current process's heap.
 * @delta: bytes to add, or to give back if negative.
 *
 * Growing maps nothing: pages appear on first touch.  Shrinking unmaps
 * and frees every page wholly past the new end at once.
 *
 * Return: the old end, or -1 if the new one would leave the heap range.
 */
s64 proc_sbrk(s64 delta)
{
	u64 old = current->brk, brk = old + delta;

	if (brk < current->heap_start ||
	    brk > current->heap_start + USER_HEAP_MAX)
		return -1;
	if (brk < old)
		vm_unmap(current->pml4, PAGE_UP(brk), PAGE_UP(old));
	current->brk = brk;
	return old;
}

/*
 * Demand-zero: true if addr is in the current process's heap or stack,
 * was not mapped, and now is.
 */
bool proc_page_fault(u64 addr, u64 error)
{
	bool heap = addr >= current->heap_start &&
		    addr < PAGE_UP(current->brk);
	bool stack = addr >= USER_STACK_BOTTOM && addr < USER_END;

	return !(error & PF_PRESENT) && (heap || stack) &&
	       vm_map_zero(current->pml4, PAGE_DOWN(addr));
}

/* A timer tick: wake the sleepers whose time has come; ask to switch. */
void proc_tick(void)
{
	struct proc *p;
	u64 now = time_ns();

	for (p = procs; p < procs + NPROC; p++)
		if (p->state == P_SLEEPING && p->wake_ns <= now)
			p->state = P_RUNNABLE;
	need_resched = true;
}

/* On the way back to ring 3: switch if a tick asked for it. */
void proc_preempt(void)
{
	if (need_resched && current->state == P_RUNNABLE)
		schedule();
}

/* How many context switches so far (SYS_INFO). */
u64 proc_switches(void)
{
	return switches;
}
