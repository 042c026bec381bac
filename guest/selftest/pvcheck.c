/*
 * pvcheck.c - the guest's checks of the paravirtual interface itself.
 *
 * With an empty command line in pv mode, ligeiro_main() runs these four:
 * HCALL_INIT answered and named the Switcher's upper-half address, the
 * virtual interrupt flag follows irq_disable/enable while the real one
 * stays on, null hypercalls return 0, and the last byte of the memory the
 * boot block promised is RAM.  nops=N times N null hypercalls (the round
 * trip of book/04's figures) and fpu=N checks that %xmm0 survives them.
 *
 * Book: book/05-hypercalls-pvops.md.  Read hv/shadow.c next.
 */
#include "kernel/time.h"
#include "lib/abi.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "lib/x86.h"
#include "pvops/hcall.h"
#include "pvops/pvops.h"
#include "selftest/pvcheck.h"

#define PV_NOPS		100

#define PV_NOPS		100

static void check_pv_init(s64 err)
{
	u64 addr = pv_shared->switcher_addr;

	if (err)
		result_fail("pv.init", "HCALL_INIT returned %ld", err);
	else if (!(addr >> 63))
		result_fail("pv.init", "switcher_addr=%#lx is not in the "
			    "upper half", addr);
	else
		result_pass("pv.init", "switcher=%#lx shared=%#lx", addr,
			    (u64)pv_shared);
}

/* The virtual flag follows irq_disable/enable; the real one stays on. */
static void check_pv_irqflag(void)
{
	u64 on, off;

	pv_ops.irq_enable();
	on = pv_shared->irq_enabled;
	pv_ops.irq_disable();
	off = pv_shared->irq_enabled;
	if (on != 1 || off != 0)
		result_fail("pv.irqflag", "enable left %lu, disable left %lu",
			    on, off);
	else if (!(read_rflags() & RFLAGS_IF))
		result_fail("pv.irqflag", "the real interrupt flag is off");
	else
		result_pass("pv.irqflag", "enabled=%lu disabled=%lu", on, off);
}

static void check_pv_nop(void)
{
	unsigned int calls;
	s64 err = 0;

	for (calls = 0; calls < PV_NOPS && !err; calls++)
		err = hcall(LIGEIRO_HCALL_NOP, 0, 0);
	if (err)
		result_fail("pv.nop", "call %u returned %ld", calls, err);
	else
		result_pass("pv.nop", "calls=%u", calls);
}

/* A size that passed boot_mem_sane(): then its last byte must be RAM. */
static void check_pv_mem(const struct ligeiro_boot *boot, bool sane)
{
	u64 size = boot->mem_size;
	volatile u8 *last = (volatile u8 *)(size - 1);
	u8 saved, want, seen;

	if (!sane) {
		result_fail("pv.mem", "mem_size=%#lx cannot be right", size);
		return;
	}
	saved = *last;
	want = ~saved;
	*last = want;
	seen = *last;
	*last = saved;
	if (seen != want)
		result_fail("pv.mem", "wrote %#x at %#lx, read back %#x",
			    want, size - 1, seen);
	else
		result_pass("pv.mem", "mem_kib=%lu", size >> 10);
}

/*
 * nops=N: a hypercall's round trip in TSC ticks, next to the same loop
 * without it (the asm hides err from the optimiser, to keep the loop).
 */
void bench_nops(u64 n)
{
	u64 i, t0, t1, t2;
	s64 err = 0;

	t0 = rdtsc();
	for (i = 0; i < n && !err; i++)
		asm volatile("" : "+r" (err));
	t1 = rdtsc();
	for (i = 0; i < n && !err; i++)
		err = hcall(LIGEIRO_HCALL_NOP, 0, 0);
	t2 = rdtsc();
	if (err)
		result_fail("pv.nops", "call %lu returned %ld", i, err);
	else
		result_pass("pv.nops", "n=%lu tsc=%lu tsc_empty=%lu",
			    n, t2 - t1, t1 - t0);
}

/*
 * fpu=N: put N in %xmm0 and check after each of many hypercalls that it
 * is still there.  Two guests pinned to one CPU with different N would
 * see each other's value if the hypervisor mixed up their FPU states
 * when Linux switches between their vCPU threads.
 */
#define FPU_ROUNDS	200000

void check_fpu(u64 n)
{
	u64 i, seen = n;

	asm volatile("movq %0, %%xmm0" : : "r" (n));
	for (i = 0; i < FPU_ROUNDS && seen == n; i++) {
		hcall(LIGEIRO_HCALL_NOP, 0, 0);
		asm volatile("movq %%xmm0, %0" : "=r" (seen));
	}
	if (seen != n)
		result_fail("pv.fpu", "xmm0 was %#lx, now %#lx, after %lu calls",
			    n, seen, i);
	else
		result_pass("pv.fpu", "xmm0=%#lx kept over %lu calls", n, i);
}


/**
 * pv_checks() - the checks of the paravirtual interface alone.
 * @init_err: what HCALL_INIT returned.
 * @boot: the boot block; @mem_sane: whether its size passed boot_mem_sane().
 */
void pv_checks(s64 init_err, const struct ligeiro_boot *boot, bool mem_sane)
{
	check_pv_init(init_err);
	check_pv_irqflag();
	check_pv_nop();
	check_pv_mem(boot, mem_sane);
}
