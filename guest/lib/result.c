/*
 * result.c - one line per check, and the tally at the end.
 *
 * tests/harness.py reads nothing of the guest's output but lines of the
 * form "RESULT <name> PASS [detail]" or "RESULT <name> FAIL <reason>"
 * (the tag comes from the shared ABI header), so every check reports
 * through here and nowhere else.
 *
 * Book: book/02-guest.md, "The guest kernel".  That is the whole guest;
 * the chapter goes on with how the same binary runs under ligeiro.  Read
 * guest/drivers/serial.h next.
 */
#include "lib/abi.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "pvops/pvops.h"

static unsigned int passed, failed;

static void result(const char *name, const char *verdict,
		   const char *fmt, va_list ap)
{
	printf("%s %s %s ", LIGEIRO_RESULT_TAG, name, verdict);
	vprintf(fmt, ap);
	printf("\n");
}

/**
 * result_pass() - report a check as passed.
 * @name: the check, e.g. "timer.ticks".
 * @fmt: printf-style detail, "key=value" words the harness may read.
 */
void result_pass(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(name, "PASS", fmt, ap);
	va_end(ap);
	passed++;
}

/**
 * result_fail() - report a check as failed.
 * @name: the check, e.g. "timer.ticks".
 * @fmt: printf-style reason, for the person reading the log.
 */
void result_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(name, "FAIL", fmt, ap);
	va_end(ap);
	failed++;
}

/**
 * result_finish() - print the tally and shut down with its verdict.
 *
 * Both ways of booting end here, so both report the same way:
 * LIGEIRO_GUEST_FAILED if any check failed, LIGEIRO_GUEST_OK if none did.
 */
void result_finish(void)
{
	printf("ligeiro guest: all checks done, %u passed, %u failed\n",
	       passed, failed);
	pv_ops.shutdown(failed ? LIGEIRO_GUEST_FAILED : LIGEIRO_GUEST_OK);
}
