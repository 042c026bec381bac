/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioctlfuzz.h - what the fuzzer's families share: the tiny guests, the
 * random numbers, the failure count and a VM in a few calls.  main.c
 * holds it all together; each family is a file of its own.
 */
#ifndef IOCTLFUZZ_H
#define IOCTLFUZZ_H

#define TINY_SHUTDOWN_CODE	7	/* what the shutdown guests exit with */

#ifndef __ASSEMBLER__
#include <stddef.h>

#include "ligeiro.h"
#include "../../../include/xorshift.h"

#define PAGE		LIGEIRO_PAGE_SIZE
#define GUEST_MEM	(16 * PAGE)	/* enough for every tiny guest */

/* The tiny guests of tiny.S, by kind; each has a pv and a trap version. */
enum { G_SHUTDOWN, G_PRINT, G_SPIN, G_TIMER, G_KINDS };

/* The random numbers of every family: one seed, printed, replays a run. */
extern unsigned long long rng;
static inline unsigned long long rnd(void) { return xorshift_next(&rng); }
static inline unsigned long long below(unsigned long long n)
{
	return rnd() % n;
}
void fill_random(void *p, size_t len);

/* A failure is counted always and shown in full the first ten times. */
extern int failures;
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report(const char *detail);
void die(const char *what) __attribute__((noreturn));
void errname(char *buf, size_t len, long v);

int open_dev(void);
void *map_anon(size_t size, int prot);
long call(int fd, unsigned long cmd, unsigned long arg);
long create(int fd, void *mem, size_t size, unsigned int mode);
void copy_guest(void *mem, int kind, unsigned int mode);
int printed(const struct ligeiro_exit *ex);
long run_past_output(int fd, struct ligeiro_exit *ex);
void catch_signals(void);

/* A VM of GUEST_MEM bytes running one tiny guest. */
struct vm {
	int fd;
	void *mem;
};
void vm_new(struct vm *vm, int kind, unsigned int mode);
void vm_free(struct vm *vm);

/* The families. */
void fuzz_calls(unsigned long long seed, long n);
void fuzz_vcpu(void);
void fuzz_memory(void);
void fuzz_guests(unsigned long long seed, long n);
void fuzz_races(unsigned long long seed);
#endif

#endif /* IOCTLFUZZ_H */
