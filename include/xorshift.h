/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xorshift.h - the fuzzers' random numbers: small, seeded, and the same
 * sequence on every machine, so a printed seed replays a failure.  Shared
 * by the guest's hypercall fuzzer (guest/selftest/hcfuzz.c) and the ELF
 * fuzzer (tests/unit/fuzz_elf.c); it is Marsaglia's xorshift64*.  Read
 * guest/pvops/hcall.h next.
 */
#ifndef LIGEIRO_XORSHIFT_H
#define LIGEIRO_XORSHIFT_H

/* A state from any seed, even 0: never zero, and neighbours differ. */
static inline unsigned long long xorshift_seed(unsigned long long seed)
{
	return seed * 0x9e3779b97f4a7c15ull + 1;
}

static inline unsigned long long xorshift_next(unsigned long long *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

#endif /* LIGEIRO_XORSHIFT_H */
