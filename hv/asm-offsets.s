	.file	"asm-offsets.c"
# GNU C11 (Debian 12.2.0-14+deb12u1) version 12.2.0 (x86_64-linux-gnu)
#	compiled by GNU C version 12.2.0, GMP version 6.2.1, MPFR version 4.2.0, MPC version 1.3.1, isl version isl-0.25-GMP

# GGC heuristics: --param ggc-min-expand=100 --param ggc-min-heapsize=131072
# options passed: -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -m64 -mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3 -mskip-rax-setup -mtune=generic -mno-red-zone -mcmodel=kernel -mindirect-branch=thunk-extern -mindirect-branch-register -mindirect-branch-cs-prefix -mfunction-return=thunk-extern -mharden-sls=all -mrecord-mcount -mfentry -march=x86-64 -O2 -std=gnu11 -p -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -fcf-protection=none -falign-jumps=1 -falign-loops=1 -fno-asynchronous-unwind-tables -fno-jump-tables -fno-delete-null-pointer-checks -fno-allow-store-data-races -fstack-protector-strong -ftrivial-auto-var-init=zero -fno-stack-clash-protection -fno-strict-overflow -fstack-check=no -fconserve-stack -fno-builtin-wcslen
	.text
	.p2align 4
	.globl	asm_offsets
	.type	asm_offsets, @function
asm_offsets:
1:	call	__fentry__
	.section __mcount_loc, "a",@progbits
	.quad 1b
	.previous
# /work/main/hv/asm-offsets.c:24: 	OFFSET(RW_NMI_PENDING, switcher_rw, nmi_pending);
#APP
# 24 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->RW_NMI_PENDING $0 offsetof(struct switcher_rw, nmi_pending)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:25: 	OFFSET(RW_DS, switcher_rw, segs.ds);	/* then es, fs, gs */
# 25 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->RW_DS $8 offsetof(struct switcher_rw, segs.ds)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:26: 	OFFSET(RW_FS_BASE, switcher_rw, segs.fs_base);
# 26 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->RW_FS_BASE $40 offsetof(struct switcher_rw, segs.fs_base)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:27: 	OFFSET(RW_GS_BASE, switcher_rw, segs.gs_base);
# 27 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->RW_GS_BASE $48 offsetof(struct switcher_rw, segs.gs_base)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:28: 	OFFSET(RW_REGS, switcher_rw, regs);
# 28 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->RW_REGS $3920 offsetof(struct switcher_rw, regs)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:29: 	OFFSET(REGS_VECTOR, switcher_regs, vector);
# 29 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->REGS_VECTOR $120 offsetof(struct switcher_regs, vector)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:30: 	OFFSET(REGS_RIP, switcher_regs, rip);
# 30 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->REGS_RIP $136 offsetof(struct switcher_regs, rip)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:31: 	BLANK();
# 31 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->"
# 0 "" 2
# /work/main/hv/asm-offsets.c:32: 	OFFSET(HOST_RSP, switcher_host, rsp);
# 32 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_RSP $0 offsetof(struct switcher_host, rsp)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:33: 	OFFSET(HOST_CR3, switcher_host, cr3);
# 33 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_CR3 $8 offsetof(struct switcher_host, cr3)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:34: 	OFFSET(HOST_CR4, switcher_host, cr4);
# 34 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_CR4 $16 offsetof(struct switcher_host, cr4)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:35: 	OFFSET(HOST_GUEST_CR3, switcher_host, guest_cr3);
# 35 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_GUEST_CR3 $24 offsetof(struct switcher_host, guest_cr3)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:36: 	OFFSET(HOST_GUEST_CR4, switcher_host, guest_cr4);
# 36 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_GUEST_CR4 $32 offsetof(struct switcher_host, guest_cr4)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:37: 	OFFSET(HOST_DS, switcher_host, ds);	/* then es, fs, gs */
# 37 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_DS $40 offsetof(struct switcher_host, ds)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:38: 	OFFSET(HOST_FS_BASE, switcher_host, fs_base);
# 38 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_FS_BASE $72 offsetof(struct switcher_host, fs_base)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:39: 	OFFSET(HOST_GS_BASE, switcher_host, gs_base);
# 39 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_GS_BASE $80 offsetof(struct switcher_host, gs_base)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:40: 	OFFSET(HOST_KGS_BASE, switcher_host, kernel_gs_base);
# 40 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_KGS_BASE $88 offsetof(struct switcher_host, kernel_gs_base)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:41: 	OFFSET(HOST_REGS, switcher_host, regs);
# 41 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_REGS $96 offsetof(struct switcher_host, regs)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:42: 	OFFSET(HOST_GDT, switcher_host, gdt);
# 42 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_GDT $112 offsetof(struct switcher_host, gdt)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:43: 	OFFSET(HOST_IDT, switcher_host, idt);
# 43 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_IDT $128 offsetof(struct switcher_host, idt)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:44: 	OFFSET(HOST_GUEST_GDT, switcher_host, guest_gdt);
# 44 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_GUEST_GDT $144 offsetof(struct switcher_host, guest_gdt)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:45: 	OFFSET(HOST_GUEST_IDT, switcher_host, guest_idt);
# 45 "/work/main/hv/asm-offsets.c" 1
	
.ascii "->HOST_GUEST_IDT $160 offsetof(struct switcher_host, guest_idt)"	#
# 0 "" 2
# /work/main/hv/asm-offsets.c:46: }
#NO_APP
	jmp	__x86_return_thunk
	.size	asm_offsets, .-asm_offsets
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
