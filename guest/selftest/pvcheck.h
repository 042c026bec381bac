/*
 * pvcheck.h - the guest's checks of the paravirtual interface (pvcheck.c).
 * Read pvcheck.c next.
 */
#ifndef GUEST_PVCHECK_H
#define GUEST_PVCHECK_H

#include "lib/abi.h"
#include "lib/types.h"

void pv_checks(s64 init_err, const struct ligeiro_boot *boot, bool mem_sane);
void bench_nops(u64 n);
void check_fpu(u64 n);

#endif /* GUEST_PVCHECK_H */
