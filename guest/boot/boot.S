/*
 * boot.S - from a loader's world to our 64-bit C code: GRUB's or ligeiro's.
 *
 * GRUB reads the multiboot2 header below, loads our ELF at 1 MiB and jumps
 * to _start in 32-bit protected mode: paging off, interrupts off, no stack,
 * EAX = the multiboot2 magic, EBX = the address of the boot information.
 * A 64-bit kernel cannot run yet, so this file does the minimum to get
 * there:
 *
 *   1. zero .bss (our page tables and stack live there);
 *   2. ask CPUID whether the CPU has long mode at all, and if not say so
 *      on the serial port and stop QEMU, rather than crash mysteriously;
 *   3. build page tables that map the first 4 GiB onto themselves with
 *      2 MiB pages, so every address means the same thing before and after
 *      paging is turned on;
 *   4. enable PAE, set EFER.LME, enable paging: the CPU is now in long mode,
 *      still running 32-bit "compatibility" code;
 *   5. load a GDT with a 64-bit code segment and far-jump into it;
 *   6. call guest_main(magic, info) in entry.c.
 *
 * ligeiro has done all that already: its launcher finds ligeiro_start
 * through an ELF note (below) and the hypervisor starts it in long mode at
 * ring 1 on its own page tables, so ours and the GDT go unused.  All that
 * is left is a stack, a clean .bss and a call to ligeiro_main().
 *
 * Book: book/02-guest.md, "The guest kernel".  Read multiboot2.h next.
 */
#include "boot/layout.h"
#include "boot/multiboot2.h"
#include "drivers/serial.h"
#include "lib/abi.h"
#include "lib/x86.h"

/*
 * The multiboot2 header: GRUB scans the first 32 KiB of the file for it.
 * The linker script puts this section first.  Magic, architecture, length
 * and a checksum making the four fields sum to zero, then a list of tags;
 * we need no optional tags, only the one that ends the list.
 */
#define MB2_HEADER_LEN	(mb2_header_end - mb2_header)
#define MB2_CHECKSUM	\
	(-(MB2_HEADER_MAGIC + MB2_ARCH_I386 + MB2_HEADER_LEN) & 0xffffffff)

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	MB2_HEADER_LEN
	.long	MB2_CHECKSUM
	.word	MB2_HEADER_TAG_END	/* type */
	.word	0			/* flags */
	.long	8			/* size of this tag */
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	%eax, %ebp		/* the magic, for guest_main */
	movl	%ebx, %esi		/* and the boot information */

	/* 1. Zero .bss: four bytes at a time, guest.ld aligns both ends. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$boot_stack_top, %esp

	/* 2. Long mode is advertised in an extended CPUID leaf. */
	movl	$CPUID_EXT_MAX, %eax
	cpuid
	cmpl	$CPUID_EXT_FEATURES, %eax
	jb	no_long_mode
	movl	$CPUID_EXT_FEATURES, %eax
	cpuid
	testl	$CPUID_EXT_EDX_LM, %edx
	jz	no_long_mode

	/* 3. PML4[0] -> PDPT; PDPT[i] -> page directory i. */
	movl	$boot_pdpt + (PTE_P | PTE_W), boot_pml4
	movl	$boot_pd + (PTE_P | PTE_W), %eax
	xorl	%ecx, %ecx
1:	movl	%eax, boot_pdpt(, %ecx, 8)
	addl	$PAGE_SIZE, %eax
	incl	%ecx
	cmpl	$IDENTITY_MAP_GIB, %ecx
	jb	1b

	/*
	 * Entry i of the (contiguous) page directories maps the 2 MiB page
	 * at i * 2 MiB.  Below 4 GiB the upper half of each entry stays 0.
	 */
	movl	$(PTE_P | PTE_W | PTE_PS), %eax
	xorl	%ecx, %ecx
2:	movl	%eax, boot_pd(, %ecx, 8)
	addl	$LARGE_PAGE_SIZE, %eax
	incl	%ecx
	cmpl	$(IDENTITY_MAP_GIB * PTES_PER_TABLE), %ecx
	jb	2b

	/* 4. Page tables, PAE, long mode enable, paging: in that order. */
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0

	/* 5. A 64-bit code segment, and a far jump to reload CS with it. */
	lgdt	gdt_desc
	ljmp	$KERNEL_CS, $start64

/*
 * No long mode (e.g. "-cpu qemu32"): print why on COM1, ask QEMU to exit
 * with the failure code, and halt in case nobody is listening on the port.
 */
no_long_mode:
	movl	$no_long_mode_msg, %esi
3:	lodsb
	testb	%al, %al
	jz	5f
	movb	%al, %bl
	movw	$(COM1_PORT + UART_LSR), %dx
4:	inb	%dx, %al
	testb	$UART_LSR_THRE, %al
	jz	4b
	movb	%bl, %al
	movw	$(COM1_PORT + UART_THR), %dx
	outb	%al, %dx
	jmp	3b
5:	movb	$LIGEIRO_GUEST_FAILED, %al
	outb	%al, $LIGEIRO_DEBUG_EXIT_PORT
6:	hlt
	jmp	6b

	.code64
start64:
	/* Data segments: ours, or null where 64-bit mode ignores them. */
	movw	$KERNEL_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp

	/* 6. guest_main(magic, info); the 32-bit moves clear the top halves. */
	movl	%ebp, %edi
	movl	%esi, %esi
	call	guest_main
7:	cli
	hlt
	jmp	7b

/*
 * Under ligeiro: %rdi holds the struct ligeiro_boot's address and must
 * reach ligeiro_main() intact, but rep stosq needs %rdi, so park it in
 * %rbx meanwhile.  Clearing .bss clears the stack too, harmlessly: nothing
 * is on it yet.  Every instruction here is allowed at ring 1.
 */
	.globl	ligeiro_start
ligeiro_start:
	movq	$boot_stack_top, %rsp
	cld
	movq	%rdi, %rbx
	movq	$__bss_start, %rdi
	movq	$__bss_end, %rcx
	subq	%rdi, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq
	movq	%rbx, %rdi
	call	ligeiro_main
	/* It never returns; if it did, hlt would fault: shut down instead. */
	movl	$LIGEIRO_HCALL_SHUTDOWN, %eax
	movl	$LIGEIRO_GUEST_FAILED, %edi
8:	int	$LIGEIRO_HCALL_VECTOR
	jmp	8b

/*
 * The note the launcher reads ligeiro_start from (guest.ld gives it a
 * PT_NOTE header): name size, descriptor size, type, then the name and
 * the descriptor, each padded to 4 bytes as the ELF specification asks.
 */
	.section .note.ligeiro, "a", @note
	.balign	4
	.long	2f - 1f
	.long	4f - 3f
	.long	LIGEIRO_NOTE_ENTRY
1:	.asciz	LIGEIRO_NOTE_NAME
2:	.balign	4
3:	.quad	ligeiro_start
4:	.balign	4

	.section .rodata
no_long_mode_msg:
	.asciz	"ligeiro guest: FATAL: this CPU has no 64-bit long mode\n"

/*
 * The GDT.  In 64-bit mode base and limit are ignored; what matters is
 * the access byte (0x9a: present, ring 0, code, readable; 0x92: present,
 * ring 0, data, writable) and, for code, the L flag in the top nibble
 * (0xa: 4 KiB granularity + 64-bit).  The descriptor that lgdt reads has
 * room for a 64-bit base, of which 32-bit mode uses the low half.
 */
	.balign	8
gdt:
	.quad	0			/* the null descriptor */
	.quad	0x00af9a000000ffff	/* KERNEL_CS */
	.quad	0x00cf92000000ffff	/* KERNEL_DS */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.section .bss
	.balign	PAGE_SIZE
boot_pml4:
	.skip	PAGE_SIZE
boot_pdpt:
	.skip	PAGE_SIZE
boot_pd:
	.skip	PAGE_SIZE * IDENTITY_MAP_GIB
	.balign	16
boot_stack:
	.skip	BOOT_STACK_SIZE
boot_stack_top:
