/*
 * abi.h - how the guest sees the one contract, hv/uapi/ligeiro.h.
 *
 * The module, the launcher and this guest share their numbers (exit codes,
 * the debug-exit port, the RESULT tag) through that header only.  It
 * normally pulls in <linux/types.h>; defining LIGEIRO_GUEST tells it that
 * we bring our own __u32 instead (from types.h).  boot.S includes this
 * file too; the header hides its structures from the assembler.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read x86.h next.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#define LIGEIRO_GUEST

#ifndef __ASSEMBLER__
#include "lib/types.h"
#endif
#include "ligeiro.h"

#endif /* GUEST_ABI_H */
