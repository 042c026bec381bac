/*
 * os.h - the kernel's common bring-up, after either entry point.
 *
 * Book: book/02-guest.md.  Read os.c next.
 */
#ifndef GUEST_OS_H
#define GUEST_OS_H

#include "lib/types.h"

bool os_program(char *word, u64 *arg);
void os_start(const char *word, u64 arg, u64 ram_end)
	__attribute__((noreturn));
void os_done(const char *name, int status) __attribute__((noreturn));

/* probe.c: the probe program, which runs in the kernel itself. */
void probe_run(void) __attribute__((noreturn));
void emucheck_run(void) __attribute__((noreturn));	/* selftest/emucheck.c */
bool cpu_has_umip(void);

#endif /* GUEST_OS_H */
