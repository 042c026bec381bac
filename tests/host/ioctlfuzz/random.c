// SPDX-License-Identifier: GPL-2.0
/*
 * random.c - guests of random code, in pv and in trap mode.
 *
 * Random bytes, with hypercalls of random numbers sown among them, run at
 * ring 1 until the guest ends or for a few slices of time.  Whatever they
 * do, every RUN must end in an exit the ABI documents (or EINTR at the
 * end of a slice), a killed guest must come with a reason, and a guest
 * that ended must answer ESRCH from then on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "ioctlfuzz.h"

#define GUEST_SLICE_US	5000	/* how long a random guest may run */
#define GUEST_SLICES	3

static void alarm_in(long us)
{
	struct itimerval t = { .it_value = { us / 1000000, us % 1000000 } };

	setitimer(ITIMER_REAL, &t, NULL);
}

/* Random bytes, with hypercalls of random numbers sown among them. */
static void random_code(char *mem)
{
	fill_random(mem, GUEST_MEM);
	for (int i = 0, n = below(64); i < n; i++) {
		unsigned char *p = (unsigned char *)mem + below(GUEST_MEM - 7);

		p[0] = 0xb8;			/* mov $nr, %eax */
		p[1] = below(LIGEIRO_HCALL_COUNT + 2);
		p[2] = p[3] = p[4] = 0;
		p[5] = 0xcd;			/* int $vector */
		p[6] = LIGEIRO_HCALL_VECTOR;
	}
}

void fuzz_guests(unsigned long long seed, long n)
{
	long ends[6] = { 0 }, interrupted = 0, running = 0;
	char detail[200];

	catch_signals();
	for (long i = 0; i < n; i++) {
		unsigned int mode = below(2);
		struct ligeiro_exit ex;
		struct vm vm;
		int slices = 0, ended = 0;
		long r;

		vm.fd = open_dev();
		vm.mem = map_anon(GUEST_MEM, PROT_READ | PROT_WRITE);
		random_code(vm.mem);
		r = create(vm.fd, vm.mem, GUEST_MEM, mode);
		if (r)
			fail("guest %ld: CREATE_VM: %s", i, strerror(-r));
		while (!r && !ended && slices < GUEST_SLICES) {
			alarm_in(GUEST_SLICE_US);
			memset(&ex, 0, sizeof(ex));
			ex.mmio.value = rnd();	/* a device read's answer */
			r = call(vm.fd, LIGEIRO_RUN, (unsigned long)&ex);
			alarm_in(0);
			if (r == -EINTR) {
				slices++;
				interrupted++;
				r = 0;
				continue;
			}
			if (r || ex.reason < LIGEIRO_RUN_CONSOLE ||
			    ex.reason > LIGEIRO_RUN_MMIO) {
				fail("guest %ld (seed %llu, mode %u): RUN %ld, reason %u",
				     i, seed, mode, r, ex.reason);
				break;
			}
			ends[ex.reason]++;
			if (ex.reason == LIGEIRO_RUN_KILLED &&
			    (!ex.killed.reason[0] ||
			     ex.killed.reason[LIGEIRO_REASON_MAX - 1]))
				fail("guest %ld: killed without a reason", i);
			ended = ex.reason == LIGEIRO_RUN_KILLED ||
				ex.reason == LIGEIRO_RUN_SHUTDOWN;
		}
		if (ended && call(vm.fd, LIGEIRO_RUN, (unsigned long)&ex) != -ESRCH)
			fail("guest %ld: RUN after its end is not ESRCH", i);
		running += !ended;
		vm_free(&vm);
	}
	snprintf(detail, sizeof(detail),
		 "%ld random guests, seed %llu: killed %ld, shut down %ld, still running %ld; exits: console %ld, serial %ld, mmio %ld; %ld signals",
		 n, seed, ends[LIGEIRO_RUN_KILLED], ends[LIGEIRO_RUN_SHUTDOWN],
		 running, ends[LIGEIRO_RUN_CONSOLE], ends[LIGEIRO_RUN_SERIAL],
		 ends[LIGEIRO_RUN_MMIO], interrupted);
	report(detail);
}

