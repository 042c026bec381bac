// SPDX-License-Identifier: GPL-2.0
/*
 * hcfuzz.c - the hypercall interface, fuzzed from inside the guest.
 *
 * hostile.c makes one wrong request per boot and expects to be killed for
 * it.  This file asks what happens to the host after many requests that
 * are legal in form but absurd in content: hcfuzz=SEED makes
 * HCFUZZ_CALLS hypercalls, each a random choice among those the
 * hypervisor must survive without killing us - a NOP with garbage in
 * every argument register, INVLPG and FLUSH of any 64-bit address
 * (upper half, non-canonical, past RAM, the Switcher, the shared page),
 * a batch of such addresses with a garbage count, a timer of any length,
 * the shared page and an IDT of garbage gates registered, a kernel stack
 * anywhere in our half, and new address spaces whose unused slots hold
 * loops, self-references, entries past RAM, reserved bits and huge-page
 * bits.  Those roots rotate among eight pages: cached by default (the
 * Switcher's fast path), checked afresh under --roots=4 (tests/host/
 * hardening.sh runs both); their garbage slots are never touched (a
 * fault there would need a handler), so the walker itself is not fuzzed
 * here.  Then the guest checks that it is still itself (a canary page,
 * the shared page) and prints "RESULT hostile.hcfuzz PASS calls=N
 * seed=S".  It shuts down with the garbage IDT and stack still loaded:
 * nothing is delivered between here and the end.
 *
 * Each random value is drawn into a local before use: C leaves the order
 * in which a call's arguments are evaluated open, and a seed must replay
 * the same calls whatever the compiler chooses.
 *
 * hcfuzz_kill=N makes the Nth of the boundary requests in kill_cases[]:
 * each hypercall number with the first argument just past what it takes.
 * It prints what the hypervisor must answer and expects to die;
 * tests/host/hardening.sh checks the launcher's "guest killed:" line.
 *
 * Book: book/04-world-switch.md, "What a guest may try".  Read instr.h
 * next.
 */
#include "kernel/page.h"
#include "lib/abi.h"
#include "lib/lib.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "lib/x86.h"
#include "pvops/hcall.h"
#include "pvops/pvops.h"
#include "selftest/hcfuzz.h"
#include "xorshift.h"

#define HCFUZZ_CALLS	100000
/* The hypervisor's half starts here (hv/vm.h's LOWER_HALF_END). */
#define UPPER_HALF	(1UL << 47)
/* More text than one console hypercall may carry (hv/hypercall.c). */
#define CONSOLE_TOO_LONG	4097
#define ENTRIES		512
/* Address spaces in turn: cached, unless the launcher has --roots=4. */
#define HCFUZZ_ROOTS	8

static unsigned long long rng;

static u64 rnd(void)
{
	return xorshift_next(&rng);
}

static u64 below(u64 n)
{
	return rnd() % n;
}

static u64 mem_size;

/* An address a guest has no business naming, or a random one. */
static u64 odd_address(void)
{
	const u64 v[] = {
		0, UPPER_HALF, UPPER_HALF - 1, 0xffff800000000000UL,
		0xffffffffffffffffUL, 0x0000800000000000UL,
		0x8000000000000000UL,
		mem_size, mem_size - 1, mem_size + PAGE_SIZE,
		pv_shared->switcher_addr, (u64)pv_shared, LIGEIRO_BATCH_ALL,
	};

	return below(3) ? v[below(ARRAY_SIZE(v))] : rnd();
}

/*
 * Page tables of our own: slot 0 maps the first GiB with 2 MiB pages, so
 * this code runs on once they are loaded; slots 1..255 get garbage.  The
 * upper half stays empty: mapping it is a kill (kill_cases[] has that).
 */
static u64 fuzz_pml4s[HCFUZZ_ROOTS][ENTRIES]
	__attribute__((aligned(PAGE_SIZE)));
static u64 fuzz_pdpt[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static u64 fuzz_pd[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
/* An IDT of garbage gates: legal to load, as long as nothing is delivered. */
static u64 fuzz_idt[ENTRIES] __attribute__((aligned(PAGE_SIZE)));

static u64 garbage_entry(void)
{
	const u64 targets[] = {
		(u64)fuzz_pml4s[0], (u64)fuzz_pdpt, (u64)fuzz_pd, mem_size,
		mem_size - PAGE_SIZE, (u64)pv_shared, 0x000ffffffffff000UL,
	};
	u64 which = below(4), target = targets[below(ARRAY_SIZE(targets))];
	u64 present = below(2), huge = below(4), reserved = below(4);
	u64 junk = rnd();
	u64 e = which ? target : junk;

	return e | (present ? PTE_P : 0) | (huge ? 0 : PTE_PS) |
	       (reserved ? 0 : junk & 0xfff0000000000e00UL);
}

/* One of the roots, rebuilt: slot 0 good, slots 1..255 garbage. */
static u64 fuzz_tables(void)
{
	u64 *fuzz_pml4 = fuzz_pml4s[below(HCFUZZ_ROOTS)];
	unsigned int i;

	for (i = 0; i < ENTRIES; i++)
		fuzz_pd[i] = ((u64)i << 21) | PTE_P | PTE_W | PTE_PS;
	fuzz_pdpt[0] = (u64)fuzz_pd | PTE_P | PTE_W;
	for (i = 1; i < ENTRIES; i++)
		fuzz_pdpt[i] = below(8) ? 0 : garbage_entry();
	fuzz_pml4[0] = (u64)fuzz_pdpt | PTE_P | PTE_W;
	for (i = 1; i < ENTRIES / 2; i++)
		fuzz_pml4[i] = below(4) ? 0 : garbage_entry();
	return (u64)fuzz_pml4;
}

/*
 * A canary: a page we never hand to the hypervisor, which must come back
 * unchanged.  It catches a stray write only if it lands here.
 */
static u64 witness[ENTRIES] __attribute__((aligned(PAGE_SIZE)));

static void one_call(void)
{
	u64 what = below(9), a = rnd(), b = rnd(), c = rnd();
	unsigned int i, n, slot;
	u64 odd, count;

	switch (what) {
	case 0:
		hcall3(LIGEIRO_HCALL_NOP, a, b, c);
		break;
	case 1:
		hcall(LIGEIRO_HCALL_INVLPG, odd_address(), a);
		break;
	case 2:		/* odd addresses, a garbage count */
		n = below(LIGEIRO_BATCH_MAX + 1);
		for (i = 0; i < n; i++) {
			odd = odd_address();
			pv_shared->batch[i] = odd;
		}
		count = below(4);
		pv_shared->batch_count = count ? n : a;
		hcall(LIGEIRO_HCALL_FLUSH, b & 1 ? c : 0, a);
		break;
	case 3:		/* any length; interrupts stay off throughout */
		hcall(LIGEIRO_HCALL_SET_TIMER, b & 1 ? a % 1000 : a, c);
		break;
	case 4:
		hcall(LIGEIRO_HCALL_INIT, (u64)pv_shared, a);
		break;
	case 5:
		for (i = 0; i < 8; i++) {
			slot = below(ENTRIES);
			fuzz_idt[slot] = rnd();
		}
		hcall(LIGEIRO_HCALL_LOAD_IDT, (u64)fuzz_idt, a);
		break;
	case 6:
		hcall(LIGEIRO_HCALL_SET_STACK, a % UPPER_HALF, b);
		break;
	case 7:
	case 8:
		/*
		 * any stack of our half may come along (0: none); the roots
		 * are cached, so most of these meet hv/switch.S's fast path
		 */
		hcall(LIGEIRO_HCALL_NEW_CR3, fuzz_tables(), a % UPPER_HALF);
		break;
	}
}

void hcfuzz(u64 seed, u64 guest_mem)
{
	u64 switcher = pv_shared->switcher_addr;
	unsigned int i, bad = 0;

	mem_size = guest_mem;
	rng = xorshift_seed(seed);
	printf("hcfuzz: %u hypercalls, seed %lu\n", HCFUZZ_CALLS, seed);
	for (i = 0; i < ENTRIES; i++)
		witness[i] = seed ^ i;
	for (i = 0; i < ENTRIES; i++)
		fuzz_idt[i] = rnd();
	pv_ops.irq_disable();
	for (i = 0; i < HCFUZZ_CALLS; i++)
		one_call();
	hcall(LIGEIRO_HCALL_SET_TIMER, 0, 0);
	for (i = 0; i < ENTRIES; i++)
		bad += witness[i] != (seed ^ i);
	if (bad || pv_shared->switcher_addr != switcher)
		result_fail("hostile.hcfuzz", "seed=%lu: %u words of our "
			    "memory changed, switcher 0x%lx -> 0x%lx", seed, bad,
			    switcher, pv_shared->switcher_addr);
	else
		result_pass("hostile.hcfuzz", "calls=%u seed=%lu", HCFUZZ_CALLS,
			    seed);
	result_finish();
}

/*
 * One hypercall number, just past what it takes; what must kill us.
 * @arg0 is the first argument (ARG0), or tables of ours: ones that map
 * the upper half (UPPER), or ones loaded once before, so that the call
 * finds them cached and meets the Switcher's own fast path (CACHED).
 */
enum kill_arg0 { ARG0, UPPER, CACHED };

struct kill_case {
	u64 nr, arg0, arg1;
	const char *reason;
	enum kill_arg0 how;
};

void hcfuzz_kill(u64 n, u64 guest_mem)
{
	const u64 top = guest_mem, sh = (u64)pv_shared;
	const struct kill_case kill_cases[] = {
		{ LIGEIRO_HCALL_COUNT, 0, 0, "unknown hypercall", ARG0 },
		{ ~0UL, 0, 0, "unknown hypercall", ARG0 },
		{ LIGEIRO_HCALL_INIT, sh + 8, 0, "init: shared page", ARG0 },
		{ LIGEIRO_HCALL_INIT, top, 0, "init: shared page", ARG0 },
		{ LIGEIRO_HCALL_CONSOLE, sh, CONSOLE_TOO_LONG, "console:",
		  ARG0 },
		{ LIGEIRO_HCALL_CONSOLE, top - 1, 2, "console:", ARG0 },
		{ LIGEIRO_HCALL_CONSOLE, ~0UL, 2, "console:", ARG0 },
		{ LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_EXIT_GUEST_MAX + 1, 0,
		  "shutdown: exit code", ARG0 },
		{ LIGEIRO_HCALL_SHUTDOWN, ~0UL, 0, "shutdown: exit code",
		  ARG0 },
		{ LIGEIRO_HCALL_LOAD_IDT, top, 0, "load_idt:", ARG0 },
		{ LIGEIRO_HCALL_LOAD_IDT, top - 8, 0, "load_idt:", ARG0 },
		{ LIGEIRO_HCALL_LOAD_IDT, (u64)fuzz_idt + 4, 0, "load_idt:",
		  ARG0 },
		{ LIGEIRO_HCALL_SET_STACK, UPPER_HALF, 0, "set_stack:", ARG0 },
		{ LIGEIRO_HCALL_SET_STACK, ~0UL, 0, "set_stack:", ARG0 },
		{ LIGEIRO_HCALL_NEW_CR3, top, 0, "new address space", ARG0 },
		{ LIGEIRO_HCALL_NEW_CR3, (u64)fuzz_pml4s[0] + 8, 0,
		  "new address space", ARG0 },
		{ LIGEIRO_HCALL_NEW_CR3, 0, 0, "map the upper half", UPPER },
		{ LIGEIRO_HCALL_NEW_CR3, 0, UPPER_HALF, "set_stack:", ARG0 },
		{ LIGEIRO_HCALL_NEW_CR3, 0, UPPER_HALF, "set_stack:", CACHED },
		{ LIGEIRO_HCALL_NEW_CR3, 0, ~0UL, "set_stack:", CACHED },
		{ LIGEIRO_HCALL_MMIO, 0, 4, "device access", ARG0 },
		{ LIGEIRO_HCALL_MMIO, LIGEIRO_MMIO_BASE, 3, "device access",
		  ARG0 },
	};
	const struct kill_case *k;

	mem_size = guest_mem;
	if (n >= ARRAY_SIZE(kill_cases)) {
		printf("hcfuzz: no kill case %lu (there are %lu)\n", n,
		       ARRAY_SIZE(kill_cases));
		pv_ops.shutdown(LIGEIRO_GUEST_FAILED);
	}
	k = &kill_cases[n];
	printf("hcfuzz: kill case %lu expects: %s\n", n, k->reason);
	if (k->how == UPPER) {
		u64 *pml4 = fuzz_pml4s[0];

		memset(pml4, 0, PAGE_SIZE);
		fuzz_pd[0] = PTE_P | PTE_W | PTE_PS;
		fuzz_pdpt[0] = (u64)fuzz_pd | PTE_P | PTE_W;
		pml4[0] = pml4[ENTRIES / 2] = (u64)fuzz_pdpt | PTE_P | PTE_W;
		hcall(k->nr, (u64)pml4, 0);
	} else if (k->how == CACHED) {
		u64 tables = fuzz_tables();

		hcall(LIGEIRO_HCALL_NEW_CR3, tables, 0);
		hcall(k->nr, tables, k->arg1);
	} else {
		hcall(k->nr, k->arg0, k->arg1);
	}
	result_fail("hostile.hcfuzz_kill", "case %lu survived, expected: %s",
		    n, k->reason);
	result_finish();
}
