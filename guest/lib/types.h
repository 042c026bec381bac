/*
 * types.h - the few C types the guest needs, with no libc behind them.
 *
 * The guest is freestanding: there is no <stdint.h> we want to trust and no
 * Linux headers at all.  So this file names the fixed-size integers once,
 * in the spellings both the kernel (u8..u64) and the shared ABI header
 * (__u8..__u64) expect.  On x86-64 with GCC, char is 8 bits, short 16, int
 * 32 and long 64, and that is all we rely on.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read abi.h next.
 */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

typedef unsigned char		__u8;
typedef unsigned short		__u16;
typedef unsigned int		__u32;
typedef unsigned long		__u64;

typedef __u8			u8;
typedef __u16			u16;
typedef __u32			u32;
typedef __u64			u64;
typedef long			s64;
typedef long			__s64;

typedef unsigned long		size_t;
typedef _Bool			bool;

#define true			1
#define false			0
#define NULL			((void *)0)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#endif /* GUEST_TYPES_H */
