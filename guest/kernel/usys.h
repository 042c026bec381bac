/*
 * usys.h - the contract between the guest kernel and its user programs.
 *
 * The kernel (syscall.c, proc.c) and the programs in user/ are compiled
 * separately and meet only here: the system-call numbers, what the
 * arguments mean, and where a process lives in its address space.  A
 * system call is `int $LIGEIRO_SYSCALL_VECTOR` (0x80) from ring 3, the
 * number in %rax, arguments in %rdi, %rsi and %rdx, the result in %rax;
 * every other register survives.  A negative result is an error.
 *
 * A process's memory is one PML4 slot of its own, slot 1, far from the
 * kernel's identity map in slot 0 (book/07-shadow-paging.md):
 *
 *   USER_BASE                 the program image (text, data, bss)
 *   image end .. brk          the heap, grown by SYS_SBRK, demand-zero
 *   USER_END - stack .. END   the stack, demand-zero, grows down
 *
 * Anything else in the slot is unmapped: touching it kills the process.
 * The Makefile reads USER_BASE from this line to link the programs.
 *
 * Book: book/02-guest.md, "Processes".  Read syscall.c next.
 */
#ifndef GUEST_USYS_H
#define GUEST_USYS_H

#define USER_BASE		0x0000008000000000
#define USER_END		0x0000010000000000
#define USER_STACK_SIZE		(1UL << 20)
#define USER_STACK_BOTTOM	(USER_END - USER_STACK_SIZE)
#define USER_HEAP_MAX		(1UL << 30)

#define SYS_WRITE	0	/* (buf, len): console output; len or -1 */
#define SYS_EXIT	1	/* (code): never returns */
#define SYS_SPAWN	2	/* (name, arg): a built-in program; pid or -1 */
#define SYS_WAIT	3	/* (pid): wait for a child; its status or -1 */
#define SYS_YIELD	4	/* (): let the next process run */
#define SYS_GETPID	5	/* (): the caller's pid */
#define SYS_SLEEP	6	/* (ms): sleep at least that long */
#define SYS_SBRK	7	/* (delta): move the heap's end; old end or -1 */
#define SYS_READ	8	/* (buf, len): console input; 1 byte, or -1:
				   there is no console input */
#define SYS_INFO	9	/* (what): one of INFO_* */
#define SYS_PROGRAMS	10	/* (buf, len): the built-in programs' names */
#define SYS_DISK_READ	11	/* (sector, buf, count): count or -1 */
#define SYS_DISK_WRITE	12	/* (sector, buf, count): count or -1 */
#define SYS_DISK_FLUSH	13	/* (): 0 once writes are durable, or -1 */
#define SYS_DISK_SECTORS 14	/* (): the disk's size, or -1: no disk */
#define SYS_GETRANDOM	15	/* (buf, len): len random bytes, or -1 */
#define SYS_COUNT	16

/* The disk's unit: SYS_DISK_* count in sectors of this many bytes. */
#define DISK_SECTOR_SIZE	512

/* What SYS_INFO reports. */
#define INFO_CLOCK_NS	0	/* monotonic time since boot */
#define INFO_SWITCHES	1	/* context switches so far */
#define INFO_FREE_PAGES	2	/* pages the allocator could hand out */
#define INFO_TSC_KHZ	3	/* TSC ticks per millisecond */
#define INFO_MODE	4	/* how the kernel runs: MODE_* */
#define INFO_KILL_ERROR	5	/* the last exception that killed a process: */
#define INFO_KILL_RIP	6	/* its error code, and where it happened */

/* INFO_MODE: natively, or under ligeiro in pv or trap mode. */
#define MODE_NATIVE	0
#define MODE_PV		1
#define MODE_TRAP	2

/*
 * The status SYS_WAIT returns: the child's exit code (0..255), or, for a
 * child the kernel killed, STATUS_KILLED plus the exception's vector.
 */
#define STATUS_KILLED	0x100

#endif /* GUEST_USYS_H */
