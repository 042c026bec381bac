/*
 * lib.c - memset, memcpy and two string helpers, for kernel and programs.
 *
 * Freestanding code has no C library, yet GCC may still call memset and
 * memcpy for a large structure copy or initialisation, so they must
 * exist.  The same file is compiled into the kernel and into every user
 * program (guest/Makefile's rules for user/).  Byte loops are enough:
 * nothing here is hot.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read printf.h next.
 */
#include "lib/lib.h"

/** memset() - fill n bytes at s with c. Return: s. */
void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = c;
	return s;
}

/** memcpy() - copy n bytes from src to dst (no overlap). Return: dst. */
void *memcpy(void *dst, const void *src, size_t n)
{
	const u8 *s = src;
	u8 *d = dst;

	while (n--)
		*d++ = *s++;
	return dst;
}

/** strlen() - the length of the string s. Return: bytes before the NUL. */
size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/** streq() - compare two strings. Return: true if they are equal. */
bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/**
 * parse_u64() - a decimal number, at most 19 digits: no overflow.
 * Return: true if @s is one (NULL is not).
 */
bool parse_u64(const char *s, u64 *value)
{
	unsigned int digits;

	*value = 0;
	for (digits = 0; s && s[digits] >= '0' && s[digits] <= '9'; digits++)
		*value = *value * 10 + s[digits] - '0';
	return digits && digits <= 19 && !s[digits];
}
