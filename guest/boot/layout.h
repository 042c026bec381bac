/*
 * layout.h - the guest's own choices about memory and segments.
 *
 * Unlike x86.h these numbers are not fixed by the CPU; we picked them.  The
 * kernel is linked at 1 MiB (see guest.ld).  boot.S identity-maps the first
 * 4 GiB with 2 MiB pages, just enough to reach C; vm.c then builds the
 * kernel's real tables, which map guest RAM (from 4 KiB up, holes below
 * 1 MiB included) and nothing else, so any address past RAM faults.  4 GiB covers every address a 32-bit boot
 * loader can hand us and is also all the memory we ever use.
 *
 * The GDT of a native boot puts the user segments at the selectors
 * ligeiro's GDT has them (hv/uapi/ligeiro.h), so a process's frame looks
 * the same in both worlds; only the kernel's own selectors differ (ring 0
 * here, ring 1 there), and the kernel reads its %cs when it needs it.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read guest.ld next.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#include "lib/abi.h"

/* How many 1 GiB page directories boot.S maps: 4 GiB in all. */
#define IDENTITY_MAP_GIB	4
#define IDENTITY_MAP_END	(IDENTITY_MAP_GIB * 0x40000000UL)

/* Below 1 MiB lies the PC's legacy area: BIOS data, VGA, ROMs. */
#define HIGH_MEMORY_START	0x100000

#define BOOT_STACK_SIZE		16384

/* Selectors into the native GDT (boot.S, then native.c). */
#define KERNEL_CS		0x08
#define KERNEL_DS		0x10
#define USER_DS			LIGEIRO_GUEST_USER_DS	/* index 5, RPL 3 */
#define USER_CS			LIGEIRO_GUEST_USER_CS	/* index 6, RPL 3 */
#define TSS_SELECTOR		0x38			/* index 7 and 8 */

/* The timer: one interrupt per tick, on the same vector in both worlds. */
#define TIMER_VECTOR		LIGEIRO_IRQ_VECTOR
#define TIMER_HZ		100
#define TICK_NS			(1000000000UL / TIMER_HZ)

#endif /* GUEST_LAYOUT_H */
