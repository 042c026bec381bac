/*
 * hostile.h - the guest's acts against its hypervisor (hostile.c).  Read
 * hostile.c next.
 */
#ifndef GUEST_HOSTILE_H
#define GUEST_HOSTILE_H

#include "lib/types.h"

/* Run act @what (hostile=<what>); returns only if there is no such act. */
void hostile(const char *what, u64 mem_size);

#endif /* GUEST_HOSTILE_H */
