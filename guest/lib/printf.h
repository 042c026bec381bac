/*
 * printf.h - formatted output to the console.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read printf.c next.
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>	/* part of the compiler, not of a libc */

#include "lib/types.h"

/*
 * Where printf's output goes: the kernel's goes through pv_ops (os.c),
 * a user program's is a SYS_WRITE (user/ulib.c).
 */
void console_write(const char *s, size_t len);

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

#endif /* GUEST_PRINTF_H */
