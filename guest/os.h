/*
 * os.h - the kernel's common bring-up, after either entry point.
 *
 * Book: book/02-guest.md.  See os.c.
 */
#ifndef GUEST_OS_H
#define GUEST_OS_H

#include "types.h"

void os_start(const char *word, u64 ram_end) __attribute__((noreturn));
void os_done(const char *name, int status) __attribute__((noreturn));

#endif /* GUEST_OS_H */
