/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hcfuzz.h - the hypercall fuzzer (hcfuzz.c): hcfuzz=SEED makes many
 * hypercalls the hypervisor must survive, hcfuzz_kill=N one it must kill
 * us for.  Neither returns.  Read hcfuzz.c next.
 */
#ifndef GUEST_HCFUZZ_H
#define GUEST_HCFUZZ_H

#include "lib/types.h"

void hcfuzz(u64 seed, u64 mem_size);
void hcfuzz_kill(u64 n, u64 mem_size);

#endif /* GUEST_HCFUZZ_H */
