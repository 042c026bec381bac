/*
 * ulib.c - the start of every user program, and its small library.
 *
 * _start is the program's first byte (user.ld puts .text.start first,
 * and the kernel enters at USER_BASE) with the spawn argument in %rdi and
 * %rsp 8 below a 16-byte boundary, as a called function expects: so it
 * can be plain C.
 *
 * Book: book/02-guest.md, "User programs".  Read tests.c next.
 */
#include "ulib.h"

void __attribute__((section(".text.start"), noreturn)) _start(long arg)
{
	exit(main(arg));
}

/**
 * exit() - end the program.
 * @code: the status its parent's wait() gets.
 */
void exit(int code)
{
	syscall3(SYS_EXIT, code, 0, 0);
	__builtin_unreachable();
}

/** console_write() - printf's output: SYS_WRITE. */
void console_write(const char *s, size_t len)
{
	write(s, len);
}

static int failures;

/**
 * check() - print one RESULT line.
 * @ok: PASS or FAIL.
 * @name: the check's name, the same in every world.
 * @fmt: printf-style detail; no numbers that differ between native and
 *	ligeiro runs (timings go on BENCH lines).
 */
void check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s %s ", LIGEIRO_RESULT_TAG, name, ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures += !ok;
}

/** check_failures() - how many checks failed. Return: their number. */
int check_failures(void)
{
	return failures;
}

/**
 * run() - spawn a program and wait for it.
 * @name: the program.
 * @arg: its argument.
 *
 * Return: its exit status, or -1 if it could not start.
 */
long run(const char *name, long arg)
{
	long pid = spawn(name, arg);

	return pid < 0 ? -1 : wait(pid);
}
