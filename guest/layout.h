/*
 * layout.h - the guest's own choices about memory and segments.
 *
 * Unlike x86.h these numbers are not fixed by the CPU; we picked them.  The
 * kernel is linked at 1 MiB (see guest.ld), the start-up code identity-maps
 * the first 4 GiB with 2 MiB pages, and the GDT has one code and one data
 * segment.  4 GiB covers every address a 32-bit boot loader can hand us
 * (the multiboot2 information, our own image) and leaves everything above
 * unmapped, which the page-fault check relies on.
 *
 * Book: book/02-guest.md, "The guest kernel".  Read boot.S next.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/* How many 1 GiB page directories the identity map uses: 4 GiB in all. */
#define IDENTITY_MAP_GIB	4
#define IDENTITY_MAP_END	(IDENTITY_MAP_GIB * 0x40000000UL)

/* Below 1 MiB lies the PC's legacy area: BIOS data, VGA, ROMs. */
#define HIGH_MEMORY_START	0x100000

#define BOOT_STACK_SIZE		16384

/* Selectors into the GDT built in boot.S. */
#define KERNEL_CS		0x08
#define KERNEL_DS		0x10

#endif /* GUEST_LAYOUT_H */
