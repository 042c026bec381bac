/*
 * os.c - the operating system proper, the same in both worlds.
 *
 * entry.c arrives here from either entry point with the word that names
 * the first program, once the page allocator knows the free memory.  From
 * here on only pv_ops knows whether we run natively or under ligeiro (and
 * probe.c, whose whole business it is):
 *
 *   1. build the kernel's page tables and switch to them (vm.c);
 *   2. load the IDT (trap.c), start the clock and the tick (time.c);
 *   3. `probe` runs right here in the kernel instead, and stops (probe.c);
 *   4. find the virtio devices and start their drivers (virtio.c);
 *   5. for `tests`, check the kernel's own machinery (kcheck.c);
 *   6. start the program as process 1 and leave the boot stack for it.
 *
 * When process 1 exits the run is over: os_done() shuts down, with
 * LIGEIRO_GUEST_OK only if every check passed and the program exited
 * with 0 (the test suite exits with its number of failures).  RESULT
 * lines are the same in both worlds; what differs (memory sizes, TSC
 * rates) goes on lines of its own.
 *
 * Book: book/02-guest.md.  Read guest/pvops/pvops.h next.
 */
#include "boot/layout.h"
#include "drivers/virtio.h"
#include "kernel/os.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/usys.h"
#include "kernel/vm.h"
#include "lib/lib.h"
#include "lib/printf.h"
#include "lib/result.h"
#include "pvops/pvops.h"
#include "selftest/kcheck.h"

/** console_write() - the kernel's printf output: pv_ops.console_write. */
void console_write(const char *s, size_t len)
{
	pv_ops.console_write(s, len);
}

/*
 * The programs that are not processes: probe looks at the CPU as the
 * kernel sees it, at the kernel's own ring (probe.c), emucheck runs each
 * privileged instruction once (emucheck.c), badring breaks the disk's
 * virtqueue to test the device's defences (badring.c).
 */
#define KERNEL_PROGRAM	"probe"
#define EMUCHECK_PROGRAM	"emucheck"
#define BADRING_PROGRAM	"badring"

/**
 * os_program() - whether os_start() can run the program a word names.
 * @word: a word of the command line: "name" or "name=N".  On success the
 *	"=N" is cut off, leaving the name.
 * @arg: gets N, the argument of the program's first process (0 if none);
 *	the loops take it as their count.
 *
 * Return: true for a built-in program (programs.S) or probe.
 */
bool os_program(char *word, u64 *arg)
{
	char *eq = word, had;

	while (*eq && *eq != '=')
		eq++;
	*arg = 0;
	if (*eq && !parse_u64(eq + 1, arg))
		return false;
	had = *eq;
	*eq = '\0';
	if (program_find(word) || streq(word, KERNEL_PROGRAM) ||
	    streq(word, EMUCHECK_PROGRAM) || streq(word, BADRING_PROGRAM))
		return true;
	*eq = had;	/* the whole word, for the error message */
	return false;
}

/**
 * os_start() - bring the kernel up and run the first program.
 * @word: the program, as the command line named it (os_program()).
 * @arg: the argument of its first process.
 * @ram_end: the end of guest RAM, which the kernel maps.
 *
 * The caller has given the page allocator the free memory it found; had
 * it found none, it would have failed mem.map and stopped.
 */
void os_start(const char *word, u64 arg, u64 ram_end)
{
	vm_init(ram_end);
	trap_init();
	time_init();
	if (streq(word, KERNEL_PROGRAM))
		probe_run();
	if (streq(word, EMUCHECK_PROGRAM))
		emucheck_run();
	virtio_init();
	if (streq(word, BADRING_PROGRAM))
		blk_badring();
	if (streq(word, "tests"))
		kernel_checks();
	if (proc_spawn(word, arg) != 1) {
		result_fail("os.start", "cannot start program %s", word);
		result_finish();
	}
	proc_run();
}

/**
 * os_done() - the first process has exited: report and shut down.
 * @name: its program.
 * @status: its exit status.
 */
void os_done(const char *name, int status)
{
	printf("ligeiro guest: program %s exited with status %d\n",
	       name, status);
	if (status)
		result_fail("os.exit", "program %s exited with status %d",
			    name, status);
	result_finish();
}
