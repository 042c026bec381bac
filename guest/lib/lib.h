/*
 * lib.h - the few C library functions the kernel and its programs use.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read lib.c next.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include "lib/types.h"

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
bool streq(const char *a, const char *b);
bool parse_u64(const char *s, u64 *value);

#endif /* GUEST_LIB_H */
