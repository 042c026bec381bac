/*
 * vm.h - page tables: the kernel's identity map and each process's space.
 *
 * Book: book/07-shadow-paging.md.  Read vm.c next.
 */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "lib/types.h"

void vm_init(u64 ram_end);
u64 *vm_new(void);
void vm_free(u64 *pml4);
void vm_switch(u64 *pml4);
bool vm_map_mmio(u64 pa, u64 size);
void *vm_map_zero(u64 *pml4, u64 va);
void vm_unmap(u64 *pml4, u64 start, u64 end);
u64 *vm_pte(u64 *pml4, u64 va);

#endif /* GUEST_VM_H */
