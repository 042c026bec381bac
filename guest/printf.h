/*
 * printf.h - formatted output to the console.
 *
 * Book: book/02-guest.md, "The guest kernel".  See printf.c.
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>	/* part of the compiler, not of a libc */

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

#endif /* GUEST_PRINTF_H */
