/*
 * result.h - reporting checks in the form the test harness parses.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read result.c next.
 */
#ifndef GUEST_RESULT_H
#define GUEST_RESULT_H

void result_pass(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void result_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void result_finish(void) __attribute__((noreturn));

#endif /* GUEST_RESULT_H */
