// SPDX-License-Identifier: GPL-2.0
/*
 * races.c - other threads and processes while one thread is in RUN.
 *
 * Two threads in RUN on one file; the file closed, the guest's memory
 * unmapped, the process forked and interrupt lines raised while RUN goes
 * on; SIGKILL at random points of a VM's life.  Each race states what the
 * threads must see, and the script checks that nothing stays pinned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ioctlfuzz.h"

#define RACE_MS		200
#define KILLS		60

struct runner {
	pthread_t thread;
	int fd;
	volatile int stop;
	long runs, interrupted, bad;
	long last;		/* the last RUN's answer */
};

/* Loop in RUN until stopped or the file is gone; count what came back. */
static void *runner(void *arg)
{
	struct runner *t = arg;
	struct ligeiro_exit ex;

	while (!t->stop) {
		memset(&ex, 0, sizeof(ex));
		t->last = call(t->fd, LIGEIRO_RUN, (unsigned long)&ex);
		if (t->last == -EBADF)
			break;
		if (t->last == -EINTR)
			t->interrupted++;
		else if (t->last || !printed(&ex))
			t->bad++;
		t->runs++;
	}
	return NULL;
}

static void start(struct runner *t, int fd)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	if (pthread_create(&t->thread, NULL, runner, t))
		die("pthread_create");
}

/* Stop a runner, signalling it out of a RUN that may never return. */
static void stop(struct runner *t)
{
	t->stop = 1;
	while (pthread_tryjoin_np(t->thread, NULL) == EBUSY) {
		pthread_kill(t->thread, SIGUSR1);
		usleep(1000);
	}
}

static void ms(long n) { usleep(n * 1000); }

static void race_two_runs(void)
{
	struct runner a, b;
	struct vm vm;

	vm_new(&vm, G_PRINT, LIGEIRO_MODE_PV);
	start(&a, vm.fd);
	start(&b, vm.fd);
	ms(RACE_MS);
	stop(&a);
	stop(&b);
	if (a.bad || b.bad || !a.runs || !b.runs)
		fail("two threads in RUN: %ld and %ld runs, %ld and %ld wrong",
		     a.runs, b.runs, a.bad, b.bad);
	vm_free(&vm);
}

/* Close the file while RUN spins: RUN goes on until a signal, then EBADF. */
static void race_close(void)
{
	struct runner a;
	struct vm vm;

	vm_new(&vm, G_SPIN, LIGEIRO_MODE_TRAP);
	start(&a, vm.fd);
	ms(RACE_MS / 4);
	close(vm.fd);
	while (pthread_tryjoin_np(a.thread, NULL) == EBUSY) {
		pthread_kill(a.thread, SIGUSR1);
		ms(1);
	}
	if (a.last != -EBADF || !a.interrupted)
		fail("close under RUN: last RUN %ld, %ld interrupted", a.last,
		     a.interrupted);
	munmap(vm.mem, GUEST_MEM);
}

/* Unmap guest memory while RUN goes on: the VM keeps its pinned pages. */
static void race_munmap(void)
{
	struct runner a;
	struct vm vm;

	vm_new(&vm, G_PRINT, LIGEIRO_MODE_TRAP);
	start(&a, vm.fd);
	ms(RACE_MS / 4);
	munmap(vm.mem, GUEST_MEM);
	ms(RACE_MS);
	stop(&a);
	if (a.bad || !a.runs)
		fail("munmap under RUN: %ld runs, %ld wrong", a.runs, a.bad);
	close(vm.fd);
}

/* Fork while RUN goes on; each child runs the same VM a little too. */
static void race_fork(void)
{
	struct ligeiro_stats st;
	struct ligeiro_exit ex;
	struct runner a;
	struct vm vm;
	int status, bad = 0;

	vm_new(&vm, G_PRINT, LIGEIRO_MODE_PV);
	start(&a, vm.fd);
	for (int i = 0; i < 10; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(call(vm.fd, LIGEIRO_RUN, (unsigned long)&ex) ||
			      !printed(&ex) ||
			      call(vm.fd, LIGEIRO_GET_STATS, (unsigned long)&st) ||
			      call(vm.fd, LIGEIRO_IRQ, i));
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	stop(&a);
	if (bad || a.bad)
		fail("fork under RUN: %d children failed, %ld runs wrong",
		     bad, a.bad);
	vm_free(&vm);
}

/* Raise lines from another thread, good and bad, while RUN spins. */
static void race_irq(void)
{
	struct runner a;
	struct vm vm;
	long wrong = 0;

	vm_new(&vm, G_SPIN, LIGEIRO_MODE_PV);
	start(&a, vm.fd);
	for (int i = 0; i < 20000; i++) {
		unsigned long line = below(LIGEIRO_IRQ_LINES + 8);
		long r = call(vm.fd, LIGEIRO_IRQ, line);

		wrong += r != (line < LIGEIRO_IRQ_LINES ? 0 : -EINVAL);
		if (i % 1000 == 0)
			pthread_kill(a.thread, SIGUSR1);
	}
	stop(&a);
	if (wrong)
		fail("LIGEIRO_IRQ under RUN: %ld wrong answers", wrong);
	vm_free(&vm);
}

/*
 * SIGKILL at a random point of a VM's life: while its memory is pinned,
 * while it runs (with a 1 ns timer armed, or printing), while another
 * thread raises its lines.
 */
static void *irq_storm(void *arg)
{
	int fd = *(int *)arg;

	for (unsigned int i = 0;; i++)
		ioctl(fd, LIGEIRO_IRQ, i % LIGEIRO_IRQ_LINES);
	return NULL;
}

static void victim(unsigned long long r)
{
	size_t size = (1 + r % 64) << 20;
	int kind = G_PRINT + (r >> 8) % 3, fd = open_dev();
	unsigned int mode = (r >> 16) & 1;
	struct ligeiro_exit ex;
	pthread_t storm;
	char *mem = map_anon(size, PROT_READ | PROT_WRITE);

	copy_guest(mem, kind, mode);
	if (create(fd, mem, size, mode))
		_exit(1);
	if ((r >> 17) & 1)
		pthread_create(&storm, NULL, irq_storm, &fd);
	for (;;)
		ioctl(fd, LIGEIRO_RUN, &ex);
}

static void race_kill(void)
{
	int killed = 0, status;

	for (int i = 0; i < KILLS; i++) {
		unsigned long long r = rnd();
		pid_t pid = fork();

		if (pid == 0)
			victim(r);
		usleep(below(20000));
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL)
			killed++;
	}
	if (killed != KILLS)
		fail("SIGKILL: %d of %d VMs died of it", killed, KILLS);
}

void fuzz_races(unsigned long long seed)
{
	static const struct {
		const char *name;
		void (*race)(void);
	} races[] = {
		{ "two threads in RUN", race_two_runs },
		{ "close under RUN", race_close },
		{ "munmap under RUN", race_munmap },
		{ "fork under RUN", race_fork },
		{ "LIGEIRO_IRQ under RUN", race_irq },
		{ "SIGKILL at random points", race_kill },
	};
	char detail[80];
	int n = sizeof(races) / sizeof(races[0]);

	catch_signals();
	for (int i = 0; i < n; i++) {
		int before = failures;

		races[i].race();
		printf("ioctlfuzz races: %s: %s\n", races[i].name,
		       failures == before ? "survived as expected" : "FAILED");
	}
	snprintf(detail, sizeof(detail), "%d races, seed %llu", n, seed);
	report(detail);
}

