/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ligeiro.h - the one contract between ligeiro.ko, the launcher and the guest.
 *
 * Three programs that never share a line of code must still agree on a few
 * numbers: the ioctls of /dev/ligeiro, the exit statuses the launcher reports,
 * the ports and codes the guest uses to end a native run.  Every such number
 * lives here and nowhere else; the Python harness reads this file too, so a
 * test never repeats a value by hand.
 *
 * The version grows whenever anything below changes meaning.  The launcher
 * refuses to talk to a module whose version differs from the one it was
 * built with: an old launcher and a new module fail loudly, not strangely.
 *
 * The book explains the ABI in its chapter "The launcher" (book/03-launcher.md);
 * read hv/main.c next to see the module side of each ioctl.
 */
#ifndef _UAPI_LIGEIRO_H
#define _UAPI_LIGEIRO_H

#ifdef LIGEIRO_GUEST
/* The freestanding guest has no Linux headers; it brings its own __u32. */
#else
#include <linux/types.h>
#include <linux/ioctl.h>
#endif

/** ABI version: module and launcher must agree exactly. */
#define LIGEIRO_ABI_VERSION	1

/** Name of the character device, under /dev. */
#define LIGEIRO_DEVICE_NAME	"ligeiro"

/* ioctls of /dev/ligeiro.  Their numbers are type 'l', like lguest's letter. */
#define LIGEIRO_IOCTL_TYPE	'l'

/**
 * LIGEIRO_GET_VERSION - returns LIGEIRO_ABI_VERSION as the ioctl's value.
 * Takes no argument, so it works on any open file of the device.
 */
#define LIGEIRO_GET_VERSION	_IO(LIGEIRO_IOCTL_TYPE, 0x00)

/*
 * Exit statuses of the launcher.  A guest that shuts down cleanly makes the
 * launcher exit with the guest's own code (0..LIGEIRO_EXIT_GUEST_MAX); the
 * launcher's own failures use the sysexits(3) range above it so the two can
 * never be confused.
 */
#define LIGEIRO_EXIT_GUEST_MAX	63	/* guest shutdown codes: 0..63 */
#define LIGEIRO_EXIT_USAGE	64	/* bad command line */
#define LIGEIRO_EXIT_BADIMAGE	65	/* the guest ELF failed validation */
#define LIGEIRO_EXIT_NODEV	69	/* /dev/ligeiro missing or wrong version */
#define LIGEIRO_EXIT_INTERNAL	70	/* the launcher itself failed */
#define LIGEIRO_EXIT_KILLED	71	/* the hypervisor killed the guest */

/*
 * Ending a native run.  QEMU's isa-debug-exit device (at this port) turns
 * a byte V written to it into the exit status (V << 1) | 1 of QEMU itself;
 * an odd status therefore always means "the guest asked to stop", while a
 * triple fault under -no-reboot makes QEMU exit with 0.
 */
#define LIGEIRO_DEBUG_EXIT_PORT	0xf4
#define LIGEIRO_GUEST_OK	0	/* all tests passed: QEMU exits 1 */
#define LIGEIRO_GUEST_FAILED	1	/* some test failed: QEMU exits 3 */

/*
 * Machine-readable result lines, printed by the guest and by the host's
 * test scripts, one per check:
 *
 *	RESULT <name> PASS [detail...]
 *	RESULT <name> FAIL <reason...>
 *
 * tests/harness.py matches these; nothing else in the transcript is parsed.
 */
#define LIGEIRO_RESULT_TAG	"RESULT"

#endif /* _UAPI_LIGEIRO_H */
