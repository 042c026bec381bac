/*
 * proc.h - processes and the scheduler.
 *
 * Book: book/02-guest.md, "Processes".  Read proc.c next.
 */
#ifndef GUEST_PROC_H
#define GUEST_PROC_H

#include "lib/types.h"

#define NPROC		32	/* make bench runs a ring of 16 beside it */
#define KSTACK_SIZE	8192

enum proc_state { P_FREE, P_RUNNABLE, P_SLEEPING, P_WAITING, P_ZOMBIE };

/**
 * struct proc - one process.
 * @pid: its number, never reused.
 * @state: what it is doing.
 * @parent: who waits for it, or NULL once its parent has exited.
 * @name: the program it runs.
 * @ksp: its saved kernel stack pointer while it is not running.
 * @pml4: its address space (vm.c).
 * @heap_start: where its heap begins, just past the program image.
 * @brk: where its heap ends (SYS_SBRK).
 * @wake_ns: when a sleep ends (time_ns()).
 * @status: its exit status, for the parent's SYS_WAIT.
 * @kstack: its kernel stack: system calls and traps from ring 3 run here.
 */
struct proc {
	int pid;
	enum proc_state state;
	struct proc *parent;
	const char *name;
	u64 ksp;
	u64 *pml4;
	u64 heap_start, brk;
	u64 wake_ns;
	int status;
	u8 kstack[KSTACK_SIZE] __attribute__((aligned(16)));
};

/* A built-in program: a flat binary linked at USER_BASE (programs.S). */
struct program {
	const char *name;
	const u8 *start, *end;
};

extern const struct program programs[];
extern struct proc *current;

const struct program *program_find(const char *name);
int proc_spawn(const char *name, u64 arg);
void proc_run(void) __attribute__((noreturn));
void proc_exit(int status) __attribute__((noreturn));
int proc_wait(int pid);
void proc_yield(void);
void proc_sleep(u64 ms);
s64 proc_sbrk(s64 delta);
bool proc_page_fault(u64 addr, u64 error);
void proc_tick(void);
void proc_preempt(void);
u64 proc_switches(void);

#endif /* GUEST_PROC_H */
