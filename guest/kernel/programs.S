/*
 * programs.S - the built-in user programs, inside the kernel's image.
 *
 * Each program in user/ is linked at USER_BASE and turned into a flat
 * binary (objcopy -O binary): its bytes are exactly what its first pages
 * must hold, bss included (user/user.ld keeps bss in the file), and it
 * starts at its first byte.  So loading one is a copy, with no loader to
 * trust or get wrong; the price is that a program must know where it is
 * linked, which the Makefile tells it.  An ELF loader would earn its keep
 * only once programs came from a disk.
 *
 * .incbin pastes each binary in here (the Makefile says where to find
 * them), and the table programs[] of struct program (proc.h) names them,
 * ending with a zeroed entry.
 *
 * Book: book/02-guest.md, "Processes".  Read guest/user/user.ld next.
 */
/* One entry of programs[]: its name, its first byte, one past its last. */
	.macro	program name
	.quad	1f, 2f, 3f
	.pushsection .rodata.programs, "a"
1:	.asciz	"\name"
2:	.incbin	"\name\().bin"
3:
	.popsection
	.endm

	.section .rodata
	.balign	8
	.globl	programs
programs:
	program	tests
	program	bench
	program	sysloop
	program	ctxloop
	program	ctxring
	program	pfloop
	program	batch
	program	shell
	program	disktest
	program	diskread
	program	rngtest
	program	instr3
	program	count
	program	writer
	program	dirty
	.quad	0, 0, 0
