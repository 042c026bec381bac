// SPDX-License-Identifier: GPL-2.0
/*
 * test_decode.c - the trap-and-emulate decoder against the assembler.
 *
 * hv/decode.c must read the privileged instructions a guest kernel runs
 * exactly as the CPU does: a wrong length resumes the guest in the middle
 * of an instruction, a wrong operand writes the wrong register.  So the
 * bytes here are not typed by hand but produced by the assembler from
 * ordinary instruction text, each between two labels: the distance between
 * the labels is the length the decoder must report.  Only the forms no
 * assembler emits (a REX ignored because a prefix follows it, a mod the
 * CPU ignores, too many prefixes) are spelled out with .byte.
 *
 * Each good case is checked four ways: decoded with nothing after it, its
 * fields and length; the same with junk after it; decode_address() against
 * an address worked out by hand from registers that all differ; and cut
 * short at every length from 0 up, each of which must be refused.  Each
 * bad case must be refused.  Every decode runs on a copy that ends right
 * before an inaccessible page, so a decoder that reads past what it was
 * given crashes, and the SIGSEGV is reported as that case's failure.
 *
 * Output is one "RESULT decode.<case> PASS|FAIL ..." line per case, as
 * ligeiro.h describes, then a count; the exit status is non-zero if any
 * case failed.  tests/test_launcher.py runs this program.  The decoder is
 * explained in book/08-trap-and-emulate.md; read hv/decode.c alongside,
 * and hv/emulate.c after it.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ligeiro.h>
#include "unit.h"
#include "decode.h"		/* hv/decode.h, found through -iquote */

/* The registers and bases decode_address() is given: all different. */
#define GPR(n)		(0x1000ull * ((n) + 1))	/* rax 0x1000 .. r15 0x10000 */
#define NEXT_RIP	0xffffffff81234000ull
#define SEG_BASE	0x00007f0000000000ull

#define NONE		INSN_NO_REG
/* The operand fields, for the three kinds of instruction. */
#define PLAIN		.base = NONE, .index = NONE, .scale = 1
#define REG(r)		.rm = (r), PLAIN
#define MEM(b, i, s, d)	.mem = true, .base = (b), .index = (i), \
			.scale = (s), .disp = (d)

/*
 * X(name, assembly, address, expected fields...): the address is what
 * decode_address() must return, 0 for a register operand.
 */
#define GOOD_CASES(X)							\
	X(cli, "cli", 0, .op = INSN_CLI, PLAIN)				\
	X(sti, "sti", 0, .op = INSN_STI, PLAIN)				\
	X(hlt, "hlt", 0, .op = INSN_HLT, PLAIN)				\
	X(rdmsr, "rdmsr", 0, .op = INSN_RDMSR, PLAIN)			\
	X(wrmsr, "wrmsr", 0, .op = INSN_WRMSR, PLAIN)			\
	X(rdtsc, "rdtsc", 0, .op = INSN_RDTSC, PLAIN)			\
	X(cli_rexw, ".byte 0x48; cli", 0, .op = INSN_CLI, PLAIN)	\
	X(hlt_null_prefixes,						\
	  ".byte 0xf3, 0xf2, 0x2e, 0x36, 0x3e, 0x26, 0x66; hlt", 0,	\
	  .op = INSN_HLT, PLAIN)					\
	X(cli_15_bytes, ".fill 14, 1, 0x66; cli", 0, .op = INSN_CLI, PLAIN) \
									\
	X(mov_from_cr0, "mov %cr0, %rax", 0,				\
	  .op = INSN_MOV_FROM_CR, .size = 8, .reg = 0, REG(0))		\
	X(mov_from_cr3_r9, "mov %cr3, %r9", 0,				\
	  .op = INSN_MOV_FROM_CR, .size = 8, .reg = 3, REG(9))		\
	X(mov_from_cr8, "mov %cr8, %rax", 0,				\
	  .op = INSN_MOV_FROM_CR, .size = 8, .reg = 8, REG(0))		\
	X(mov_from_cr2_rsp, "mov %cr2, %rsp", 0,			\
	  .op = INSN_MOV_FROM_CR, .size = 8, .reg = 2, REG(4))		\
	X(mov_to_cr4, "mov %rax, %cr4", 0,				\
	  .op = INSN_MOV_TO_CR, .size = 8, .reg = 4, REG(0))		\
	X(mov_to_cr0_r15, "mov %r15, %cr0", 0,				\
	  .op = INSN_MOV_TO_CR, .size = 8, .reg = 0, REG(15))		\
	X(mov_to_cr8_r12, "mov %r12, %cr8", 0,				\
	  .op = INSN_MOV_TO_CR, .size = 8, .reg = 8, REG(12))		\
	/* mod 00 rm 101 would be RIP-relative anywhere else: no disp32 */ \
	X(mov_cr_mod0, ".byte 0x0f, 0x20, 0x1d", 0,			\
	  .op = INSN_MOV_FROM_CR, .size = 8, .reg = 3, REG(5))		\
	/* mod 01 rm 100 would be a SIB and a disp8: neither */		\
	X(mov_cr_mod1, ".byte 0x41, 0x0f, 0x22, 0x64", 0,		\
	  .op = INSN_MOV_TO_CR, .size = 8, .reg = 4, REG(12))		\
	X(mov_cr_rex_then_prefix, ".byte 0x44, 0x66; mov %cr0, %rax", 0, \
	  .op = INSN_MOV_FROM_CR, .size = 8, .reg = 0, REG(0))		\
	X(mov_cr_prefix_then_rex, ".byte 0x66, 0x44, 0x0f, 0x20, 0xc0", 0, \
	  .op = INSN_MOV_FROM_CR, .size = 8, .reg = 8, REG(0))		\
									\
	X(lgdt_sib, "lgdt 8(%rax,%rbx,4)", 0x11008,			\
	  .op = INSN_LGDT, .size = 10, .reg = 2, MEM(0, 3, 4, 8))	\
	X(lidt_r12, "lidt (%r12)", 0xd000,				\
	  .op = INSN_LIDT, .size = 10, .reg = 3, MEM(12, NONE, 1, 0))	\
	X(sgdt_rip, "sgdt 0x1234(%rip)", NEXT_RIP + 0x1234,		\
	  .op = INSN_SGDT, .size = 10, .reg = 0,			\
	  MEM(INSN_RIP, NONE, 1, 0x1234))				\
	X(sidt_disp8, "sidt -0x80(%rbp)", 0x5f80,			\
	  .op = INSN_SIDT, .size = 10, .reg = 1, MEM(5, NONE, 1, -0x80)) \
	X(lgdt_disp32, "lgdt 0x12345678(%rsi)", 0x1234c678,		\
	  .op = INSN_LGDT, .size = 10, .reg = 2, MEM(6, NONE, 1, 0x12345678)) \
	X(lgdt_wraps, "lgdt -0x100000(%rdi)", 0x8000 - 0x100000ull,	\
	  .op = INSN_LGDT, .size = 10, .reg = 2, MEM(7, NONE, 1, -0x100000)) \
	X(lidt_absolute, "lidt 0x12345678", 0x12345678,			\
	  .op = INSN_LIDT, .size = 10, .reg = 3,			\
	  MEM(NONE, NONE, 1, 0x12345678))				\
	X(lgdt_fs, "lgdt %fs:(%rax)", SEG_BASE + 0x1000,		\
	  .op = INSN_LGDT, .size = 10, .reg = 2, .seg = INSN_SEG_FS,	\
	  MEM(0, NONE, 1, 0))						\
	X(lidt_gs_index, "lidt %gs:16(,%rcx,8)", SEG_BASE + 0x10010,	\
	  .op = INSN_LIDT, .size = 10, .reg = 3, .seg = INSN_SEG_GS,	\
	  MEM(NONE, 1, 8, 16))						\
	/* a null segment override does not cancel %fs; the last one wins */ \
	X(lgdt_fs_ds, ".byte 0x64, 0x3e; lgdt (%rax)", SEG_BASE + 0x1000, \
	  .op = INSN_LGDT, .size = 10, .reg = 2, .seg = INSN_SEG_FS,	\
	  MEM(0, NONE, 1, 0))						\
	X(lgdt_fs_gs, ".byte 0x64, 0x65; lgdt (%rax)", SEG_BASE + 0x1000, \
	  .op = INSN_LGDT, .size = 10, .reg = 2, .seg = INSN_SEG_GS,	\
	  MEM(0, NONE, 1, 0))						\
	X(lgdt_15_bytes, ".fill 6, 1, 0x2e; lgdt %fs:0x12345678(%rax,%rbx,4)", \
	  SEG_BASE + 0x12356678,					\
	  .op = INSN_LGDT, .size = 10, .reg = 2, .seg = INSN_SEG_FS,	\
	  MEM(0, 3, 4, 0x12345678))					\
									\
	X(invlpg_r13, "invlpg (%r13)", 0xe000,				\
	  .op = INSN_INVLPG, .reg = 7, MEM(13, NONE, 1, 0))		\
	X(invlpg_rsp, "invlpg -8(%rsp)", 0x4ff8,			\
	  .op = INSN_INVLPG, .reg = 7, MEM(4, NONE, 1, -8))		\
	X(invlpg_r12_index, "invlpg (%rax,%r12,2)", 0x1b000,		\
	  .op = INSN_INVLPG, .reg = 7, MEM(0, 12, 2, 0))		\
	X(invlpg_r8_r9, "invlpg 0x7f(%r8,%r9,8)", 0x5907f,		\
	  .op = INSN_INVLPG, .reg = 7, MEM(8, 9, 8, 0x7f))		\
	/* SIB base 101, mod 00: no base even with REX.B (not %r13) */	\
	X(invlpg_rexb_no_base,						\
	  ".byte 0x41, 0x0f, 0x01, 0x3c, 0x25, 0x78, 0x56, 0x34, 0x12",	\
	  0x12345678,							\
	  .op = INSN_INVLPG, .reg = 7, MEM(NONE, NONE, 1, 0x12345678))	\
									\
	X(ltr_ax, "ltr %ax", 0, .op = INSN_LTR, .size = 2, .reg = 3, REG(0)) \
	X(ltr_r11w, "ltr %r11w", 0,					\
	  .op = INSN_LTR, .size = 2, .reg = 3, REG(11))			\
	X(ltr_mem, "ltr (%rdi)", 0x8000,				\
	  .op = INSN_LTR, .size = 2, .reg = 3, MEM(7, NONE, 1, 0))	\
	X(str_ecx, "str %ecx", 0, .op = INSN_STR, .size = 4, .reg = 1, REG(1)) \
	X(str_cx, "str %cx", 0, .op = INSN_STR, .size = 2, .reg = 1, REG(1)) \
	/* gas drops the REX.W of "str %rcx", so it is spelled out */	\
	X(str_rexw, ".byte 0x48; str %ecx", 0,				\
	  .op = INSN_STR, .size = 8, .reg = 1, REG(1))			\
	X(str_rexw_over_66, ".byte 0x66, 0x48; str %ecx", 0,		\
	  .op = INSN_STR, .size = 8, .reg = 1, REG(1))			\
	X(str_rexw_then_66, ".byte 0x48, 0x66; str %ecx", 0,		\
	  .op = INSN_STR, .size = 2, .reg = 1, REG(1))			\
	X(str_mem, "str (%rsi)", 0x7000,				\
	  .op = INSN_STR, .size = 2, .reg = 1, MEM(6, NONE, 1, 0))	\
	X(str_mem_rexw, ".byte 0x48; str (%rsi)", 0x7000,		\
	  .op = INSN_STR, .size = 2, .reg = 1, MEM(6, NONE, 1, 0))	\
	X(sldt_eax, "sldt %eax", 0,					\
	  .op = INSN_SLDT, .size = 4, .reg = 0, REG(0))			\
	X(sldt_mem, "sldt (%rbx,%rdx)", 0x7000,				\
	  .op = INSN_SLDT, .size = 2, .reg = 0, MEM(3, 2, 1, 0))	\
	X(smsw_r10, "smsw %r10", 0,					\
	  .op = INSN_SMSW, .size = 8, .reg = 4, REG(10))		\
	X(smsw_ax, "smsw %ax", 0,					\
	  .op = INSN_SMSW, .size = 2, .reg = 4, REG(0))			\
	X(smsw_eax, "smsw %eax", 0,					\
	  .op = INSN_SMSW, .size = 4, .reg = 4, REG(0))			\
	X(smsw_mem, "smsw (%rbx)", 0x4000,				\
	  .op = INSN_SMSW, .size = 2, .reg = 4, MEM(3, NONE, 1, 0))	\
									\
	X(in_imm_al, "in $0x61, %al", 0,				\
	  .op = INSN_IN, .size = 1, .port = 0x61, PLAIN)		\
	X(in_imm_ax, "in $0x60, %ax", 0,				\
	  .op = INSN_IN, .size = 2, .port = 0x60, PLAIN)		\
	X(in_imm_eax, "in $0x71, %eax", 0,				\
	  .op = INSN_IN, .size = 4, .port = 0x71, PLAIN)		\
	X(in_dx_al, "in %dx, %al", 0,					\
	  .op = INSN_IN, .size = 1, .port_dx = true, PLAIN)		\
	X(in_dx_ax, "in %dx, %ax", 0,					\
	  .op = INSN_IN, .size = 2, .port_dx = true, PLAIN)		\
	X(in_dx_eax, "in %dx, %eax", 0,					\
	  .op = INSN_IN, .size = 4, .port_dx = true, PLAIN)		\
	X(in_dx_rexw, ".byte 0x48; in %dx, %eax", 0,			\
	  .op = INSN_IN, .size = 4, .port_dx = true, PLAIN)		\
	X(out_imm_al, "outb %al, $0xf4", 0,				\
	  .op = INSN_OUT, .size = 1, .port = 0xf4, PLAIN)		\
	X(out_imm_ax, "out %ax, $0xff", 0,				\
	  .op = INSN_OUT, .size = 2, .port = 0xff, PLAIN)		\
	X(out_imm_eax, "out %eax, $0x80", 0,				\
	  .op = INSN_OUT, .size = 4, .port = 0x80, PLAIN)		\
	X(out_dx_al, "out %al, %dx", 0,					\
	  .op = INSN_OUT, .size = 1, .port_dx = true, PLAIN)		\
	X(out_dx_ax, "out %ax, %dx", 0,					\
	  .op = INSN_OUT, .size = 2, .port_dx = true, PLAIN)		\
	X(out_dx_eax, "out %eax, %dx", 0,				\
	  .op = INSN_OUT, .size = 4, .port_dx = true, PLAIN)		\
									\
	X(mov_load32, "mov (%rdi), %eax", 0x8000,			\
	  .op = INSN_MOV_LOAD, .size = 4, .reg = 0, MEM(7, NONE, 1, 0))	\
	X(mov_store32, "mov %ecx, 0x10(%rsi)", 0x7010,			\
	  .op = INSN_MOV_STORE, .size = 4, .reg = 1, MEM(6, NONE, 1, 0x10)) \
	X(mov_load16, "mov (%rdi), %ax", 0x8000,			\
	  .op = INSN_MOV_LOAD, .size = 2, .reg = 0, MEM(7, NONE, 1, 0))	\
	X(mov_store8, "mov %al, (%rdi)", 0x8000,			\
	  .op = INSN_MOV_STORE, .size = 1, .reg = 0, MEM(7, NONE, 1, 0))	\
	X(mov_load8_sil, "mov (%rdi), %sil", 0x8000,			\
	  .op = INSN_MOV_LOAD, .size = 1, .reg = 6, MEM(7, NONE, 1, 0))	\
	X(mov_load64_r9, "mov (%rdx), %r9", 0x3000,			\
	  .op = INSN_MOV_LOAD, .size = 8, .reg = 9, MEM(2, NONE, 1, 0))

/* X(name, assembly): instructions the decoder must refuse. */
#define BAD_CASES(X)							\
	X(empty, "")							\
	X(rex_alone, ".byte 0x48")					\
	X(addr32, "lgdt (%eax)")					\
	X(addr32_io, ".byte 0x67; in %dx, %al")				\
	X(lock_cr, ".byte 0xf0; mov %cr0, %rax")			\
	X(lock_lgdt, ".byte 0xf0; lgdt (%rax)")				\
	X(prefixes_16_bytes, ".fill 15, 1, 0x66; cli")			\
	X(prefixes_only, ".fill 16, 1, 0x2e")				\
	X(lgdt_16_bytes, ".fill 7, 1, 0x2e; lgdt %fs:0x12345678(%rax,%rbx,4)") \
	X(lldt, "lldt %ax")						\
	X(lldt_mem, "lldt (%rax)")					\
	X(verr, "verr %ax")						\
	X(verw_mem, "verw (%rax)")					\
	X(lmsw, "lmsw %ax")						\
	X(lmsw_mem, "lmsw (%rax)")					\
	X(grp7_5_mem, ".byte 0x0f, 0x01, 0x28")				\
	X(swapgs, "swapgs")						\
	X(rdtscp, "rdtscp")						\
	X(monitor, "monitor")						\
	X(vmcall, "vmcall")						\
	X(mov_dr, "mov %dr7, %rax")					\
	X(clts, "clts")							\
	X(invd, "invd")							\
	X(wbinvd, "wbinvd")						\
	X(cpuid, "cpuid")						\
	X(rdpmc, "rdpmc")						\
	X(insb, "insb")							\
	X(rep_outsb, "rep outsb")					\
	X(nop, "nop")							\
	X(push_rax, "push %rax")					\
	X(mov_rax_rbx, "mov %rax, %rbx")				\
	X(mov_load_ah, "mov (%rdi), %ah")				\
	X(mov_reg_load, "mov %ecx, %eax")				\
	X(int80, "int $0x80")						\
	X(iretq, "iretq")						\
	X(popf, "popf")							\
	X(pushf, "pushf")

/*
 * The bytes: each case between decode_<name> and decode_<name>_end, in a
 * section of their own.  They are data: nothing here is ever executed.
 */
#define ASM_CASE(name, text, ...)					\
	"decode_" #name ":\n\t" text "\ndecode_" #name "_end:\n"
asm(".pushsection .rodata.decode_cases, \"a\"\n"
    GOOD_CASES(ASM_CASE) BAD_CASES(ASM_CASE)
    ".popsection\n");

#define DECLARE(name, ...)						\
	extern const unsigned char decode_##name[], decode_##name##_end[];
GOOD_CASES(DECLARE)
BAD_CASES(DECLARE)

struct good_case {
	const char *name;
	const unsigned char *start, *end;
	unsigned long long addr;
	struct decoded_insn want;	/* len is end - start */
};

#define GOOD(name, text, address, ...)					\
	{ #name, decode_##name, decode_##name##_end, address, { __VA_ARGS__ } },
static const struct good_case good[] = { GOOD_CASES(GOOD) };

struct bad_case {
	const char *name;
	const unsigned char *start, *end;
};

#define BAD(name, text) { "not_" #name, decode_##name, decode_##name##_end },
static const struct bad_case bad[] = { BAD_CASES(BAD) };

static const unsigned long long gpr[16] = {
	GPR(0), GPR(1), GPR(2), GPR(3), GPR(4), GPR(5), GPR(6), GPR(7),
	GPR(8), GPR(9), GPR(10), GPR(11), GPR(12), GPR(13), GPR(14), GPR(15),
};



static sigjmp_buf crash;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(crash, 1);
}

/*
 * Decode the first @n bytes of @bytes, copied so that they end where the
 * guard page starts, with avail = @n.  Return decode_insn()'s value, or 1
 * if it read past the end and crashed.
 */
static int decode_guarded(unsigned char *guard, const unsigned char *bytes,
			  unsigned int n, struct decoded_insn *insn)
{
	unsigned char *copy = guard - n;

	memcpy(copy, bytes, n);
	if (sigsetjmp(crash, 1))
		return 1;
	return decode_insn(copy, n, insn);
}

#define SAME(field)							\
	do {								\
		if (got->field != want->field)				\
			fail("%s: " #field " %#llx, want %#llx", how,	\
			     (unsigned long long)got->field,		\
			     (unsigned long long)want->field);		\
	} while (0)

static void compare(const char *how, int ret, const struct decoded_insn *got,
		    const struct decoded_insn *want)
{
	if (ret == 1)
		fail("%s: read past the end", how);
	else if (ret)
		fail("%s: refused", how);
	SAME(op);
	SAME(len);
	SAME(size);
	SAME(reg);
	SAME(mem);
	SAME(rm);
	SAME(base);
	SAME(index);
	SAME(scale);
	SAME(disp);
	SAME(seg);
	SAME(port_dx);
	SAME(port);
}

static void refused(const char *how, int ret, const struct decoded_insn *got)
{
	if (ret == 1)
		fail("%s: read past the end", how);
	else if (ret != -1)
		fail("%s: returned %d, want -1", how, ret);
	else if (got->op != INSN_UNKNOWN)
		fail("%s: op %d, want INSN_UNKNOWN", how, got->op);
}

static void test_good(unsigned char *guard, const struct good_case *c)
{
	unsigned int n = c->end - c->start, i;
	unsigned char buf[INSN_MAX_LEN + 16];
	struct decoded_insn want = c->want, got;
	unsigned long long addr;
	char how[32];
	int ret;

	want.len = n;
	if (n > INSN_MAX_LEN) {
		fail("the assembler made %u bytes", n);
		return;
	}
	ret = decode_guarded(guard, c->start, n, &got);
	compare("alone", ret, &got, &want);

	/* What follows (0x0f, which could pass for an opcode) is no part. */
	memset(buf, 0x0f, sizeof(buf));
	memcpy(buf, c->start, n);
	ret = decode_insn(buf, sizeof(buf), &got);
	compare("followed", ret, &got, &want);

	addr = decode_address(&got, gpr, NEXT_RIP, SEG_BASE);
	if (addr != c->addr)
		fail("address %#llx, want %#llx", addr, c->addr);

	for (i = 0; i < n; i++) {
		snprintf(how, sizeof(how), "avail %u", i);
		ret = decode_guarded(guard, c->start, i, &got);
		refused(how, ret, &got);
	}
}

static void test_bad(unsigned char *guard, const struct bad_case *c)
{
	unsigned int n = c->end - c->start;
	struct decoded_insn got;
	int ret;

	ret = decode_guarded(guard, c->start, n, &got);
	refused("decoded", ret, &got);
}

/* Report the current case; return 1 if it failed. */
static int judge(const char *name, const unsigned char *start,
		 const unsigned char *end)
{
	const unsigned char *p;

	if (!why[0]) {
		printf(LIGEIRO_RESULT_TAG " decode.%s PASS\n", name);
		return 0;
	}
	printf(LIGEIRO_RESULT_TAG " decode.%s FAIL %s\n#   bytes:", name, why);
	for (p = start; p < end; p++)
		printf(" %02x", *p);
	printf("\n");
	why[0] = '\0';
	return 1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_segv };
	unsigned char *guard = guarded_page();
	unsigned int i, cases = 0, failed = 0;

	if (!guard || sigaction(SIGSEGV, &sa, NULL)) {
		perror("test_decode: setting up the guard page");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++, cases++) {
		test_good(guard, &good[i]);
		failed += judge(good[i].name, good[i].start, good[i].end);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++, cases++) {
		test_bad(guard, &bad[i]);
		failed += judge(bad[i].name, bad[i].start, bad[i].end);
	}
	printf("# decode: %u cases, %u failed\n", cases, failed);
	return failed ? 1 : 0;
}
