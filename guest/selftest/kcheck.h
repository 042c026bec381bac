/*
 * kcheck.h - the kernel's checks of itself (kcheck.c).  Read kcheck.c
 * next.
 */
#ifndef GUEST_KCHECK_H
#define GUEST_KCHECK_H

void kernel_checks(void);

#endif /* GUEST_KCHECK_H */
