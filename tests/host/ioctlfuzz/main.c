// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - /dev/ligeiro attacked from host userspace, knowing only
 * hv/uapi/ligeiro.h.
 *
 * Runs inside the QEMU host (tests/host/ioctlfuzz.sh), one family of
 * attacks per invocation, each printing one RESULT line:
 *
 *   calls SEED N    N random ioctls, each answer predicted (calls.c);
 *   memory          CREATE_VM on 16 kinds of memory (memory.c);
 *   guests SEED N   N guests of random code, in both modes (random.c);
 *   races SEED      threads, processes and signals around RUN (races.c);
 *   cycles N        N open, create, run, destroy cycles (here).
 *
 * The script measures pinned pages and free memory around each family and
 * unloads the module after it.  The guests are tiny.S's few instructions,
 * so the fuzzer needs no image and no launcher.  book/14-isolation.md,
 * "Attacks from the host's side", says what each family tests and why the
 * host survives it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ioctlfuzz.h"

#define MAX_SHOWN	10

unsigned long long rng;
int failures;
static int shown;
static const char *family;

extern const char pv_shutdown[], pv_print[], pv_spin[], pv_timer[],
	trap_shutdown[], trap_print[], trap_spin[], trap_timer[], tiny_end[];

/* Each tiny guest's code, by kind and mode (LIGEIRO_MODE_*). */
static const struct {
	const char *start, *end;
} guests[G_KINDS][2] = {
	[G_SHUTDOWN] = { { pv_shutdown, pv_print },
			 { trap_shutdown, trap_print } },
	[G_PRINT] = { { pv_print, pv_spin }, { trap_print, trap_spin } },
	[G_SPIN] = { { pv_spin, pv_timer }, { trap_spin, trap_timer } },
	[G_TIMER] = { { pv_timer, trap_shutdown }, { trap_timer, tiny_end } },
};

void copy_guest(void *mem, int kind, unsigned int mode)
{
	memcpy(mem, guests[kind][mode].start,
	       guests[kind][mode].end - guests[kind][mode].start);
}

void fill_random(void *p, size_t len)
{
	unsigned long long *q = p;

	for (size_t i = 0; i < len / sizeof(*q); i++)
		q[i] = rnd();
}

void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (shown++ >= MAX_SHOWN)
		return;
	printf("ioctlfuzz %s: ", family);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void report(const char *detail)
{
	printf("%s if.%s %s %s, %d unexpected\n", LIGEIRO_RESULT_TAG, family,
	       failures ? "FAIL" : "PASS", detail, failures);
}

void die(const char *what)
{
	printf("ioctlfuzz %s: %s: %s\n", family, what, strerror(errno));
	exit(2);
}

/* An answer as the ABI names it: a value, or an errno's name. */
void errname(char *buf, size_t len, long v)
{
	if (v < 0)
		snprintf(buf, len, "%s", strerrorname_np(-v) ?: "?");
	else
		snprintf(buf, len, "%ld", v);
}

int open_dev(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", LIGEIRO_DEVICE_NAME);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open");
	return fd;
}

void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* ioctl's answer as one number: the value, or -errno. */
long call(int fd, unsigned long cmd, unsigned long arg)
{
	long r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

/* CREATE_VM of @size bytes at @mem, started at guest address 0. */
long create(int fd, void *mem, size_t size, unsigned int mode)
{
	struct ligeiro_create c = {
		.mem_addr = (unsigned long)mem, .mem_size = size,
		.entry = 0, .boot_gpa = 0, .mode = mode,
	};

	return call(fd, LIGEIRO_CREATE_VM, (unsigned long)&c);
}

void vm_new(struct vm *vm, int kind, unsigned int mode)
{
	long r;

	vm->fd = open_dev();
	vm->mem = map_anon(GUEST_MEM, PROT_READ | PROT_WRITE);
	copy_guest(vm->mem, kind, mode);
	r = create(vm->fd, vm->mem, GUEST_MEM, mode);
	if (r)
		fail("a good CREATE_VM failed: %s", strerror(-r));
}

void vm_free(struct vm *vm)
{
	close(vm->fd);
	munmap(vm->mem, GUEST_MEM);
}

/* Output, in pv (the console) or in trap mode (COM1). */
int printed(const struct ligeiro_exit *ex)
{
	return ex->reason == LIGEIRO_RUN_CONSOLE ||
	       ex->reason == LIGEIRO_RUN_SERIAL;
}

/* RUN until an exit other than output; RUN's last answer. */
long run_past_output(int fd, struct ligeiro_exit *ex)
{
	long r;

	do {
		memset(ex, 0, sizeof(*ex));
		r = call(fd, LIGEIRO_RUN, (unsigned long)ex);
	} while (r == 0 && printed(ex));
	return r;
}

static void on_signal(int sig) { (void)sig; }

/* Signals that interrupt RUN (no SA_RESTART) and do nothing else. */
void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

/* The churn of a VM's whole life, alternating pv and trap mode. */
static void fuzz_cycles(long n)
{
	char detail[64];

	for (long i = 0; i < n; i++) {
		struct ligeiro_exit ex;
		struct vm vm;

		vm_new(&vm, G_SHUTDOWN, i % 2);
		if (run_past_output(vm.fd, &ex) ||
		    ex.reason != LIGEIRO_RUN_SHUTDOWN ||
		    ex.shutdown.code != TINY_SHUTDOWN_CODE)
			fail("cycle %ld: no shutdown", i);
		vm_free(&vm);
	}
	snprintf(detail, sizeof(detail), "%ld cycles, pv and trap", n);
	report(detail);
}

int main(int argc, char **argv)
{
	unsigned long long seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
	long n = argc > 3 ? strtol(argv[3], NULL, 0) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	family = argc > 1 ? argv[1] : "";
	rng = xorshift_seed(seed);
	if (!strcmp(family, "calls") && argc == 4)
		fuzz_calls(seed, n);
	else if (!strcmp(family, "vcpu") && argc == 2)
		fuzz_vcpu();
	else if (!strcmp(family, "memory") && argc == 2)
		fuzz_memory();
	else if (!strcmp(family, "guests") && argc == 4)
		fuzz_guests(seed, n);
	else if (!strcmp(family, "races") && argc == 3)
		fuzz_races(seed);
	else if (!strcmp(family, "cycles") && argc == 3)
		fuzz_cycles(seed);
	else {
		fprintf(stderr, "usage: ioctlfuzz calls SEED N | vcpu | memory | guests SEED N | races SEED | cycles N\n");
		return 2;
	}
	return failures != 0;
}
