/*
 * ulib.h - what a user program has: system calls, printf, a few checks.
 *
 * Each program defines main(arg); ulib.c's _start calls it with the
 * argument its parent passed to spawn() and exits with what it returns.
 * printf (../printf.c) writes through SYS_WRITE, and check() prints the
 * RESULT lines tests/harness.py reads, counting the failures so that a
 * test program can exit with their number.
 *
 * Book: book/02-guest.md, "User programs".  Read ulib.c next.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include "kernel/time.h"
#include "kernel/usys.h"
#include "lib/abi.h"
#include "lib/lib.h"
#include "lib/printf.h"
#include "lib/types.h"
#include "lib/x86.h"

/* The kernel saves every register but %rax, which brings the result. */
static inline long syscall3(long nr, long a0, long a1, long a2)
{
	asm volatile("int %[vector]" : "+a" (nr)
		     : [vector] "i" (LIGEIRO_SYSCALL_VECTOR),
		       "D" (a0), "S" (a1), "d" (a2) : "memory");
	return nr;
}

#define write(buf, len)		syscall3(SYS_WRITE, (long)(buf), len, 0)
#define spawn(name, arg)	syscall3(SYS_SPAWN, (long)(name), arg, 0)
#define wait(pid)		syscall3(SYS_WAIT, pid, 0, 0)
#define yield()			syscall3(SYS_YIELD, 0, 0, 0)
#define getpid()		syscall3(SYS_GETPID, 0, 0, 0)
#define sleep(ms)		syscall3(SYS_SLEEP, ms, 0, 0)
#define read(buf, len)		syscall3(SYS_READ, (long)(buf), len, 0)
#define info(what)		syscall3(SYS_INFO, what, 0, 0)
#define programs(buf, len)	syscall3(SYS_PROGRAMS, (long)(buf), len, 0)
#define disk_read(sector, buf, count) \
	syscall3(SYS_DISK_READ, sector, (long)(buf), count)
#define disk_write(sector, buf, count) \
	syscall3(SYS_DISK_WRITE, sector, (long)(buf), count)
#define disk_flush()		syscall3(SYS_DISK_FLUSH, 0, 0, 0)
#define disk_sectors()		syscall3(SYS_DISK_SECTORS, 0, 0, 0)
#define getrandom(buf, len)	syscall3(SYS_GETRANDOM, (long)(buf), len, 0)

static inline void *sbrk(long delta)
{
	return (void *)syscall3(SYS_SBRK, delta, 0, 0);
}

void exit(int code) __attribute__((noreturn));
void check(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int check_failures(void);
long run(const char *name, long arg);

int main(long arg);

#endif /* USER_ULIB_H */
