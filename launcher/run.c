// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - the virtual CPU: create the VM, run it, serve its exits.
 *
 * Once the guest is in memory, everything happens through ioctls on
 * /dev/ligeiro.  The version check comes first: a launcher and a module
 * built from different ligeiro.h would disagree on what every other ioctl
 * means, and asking first turns that into one clear message.  Then
 * LIGEIRO_CREATE_VM hands the module our memory, and LIGEIRO_RUN is called
 * in a loop.  The thread making that call is the guest's virtual CPU: it
 * stays inside the module while the guest runs, and comes back out only
 * when the guest needs something the module leaves to userspace (text for
 * the console, in trap mode what its virtual serial port sent, an access
 * to a virtio device's register) or has stopped for good.
 *
 * The module checks what it hands back, and the launcher checks it again:
 * the two are built separately, and a bug in one must not become a wild
 * read in the other.
 *
 * The book covers this in "The launcher" (book/03-launcher.md), trap
 * mode's serial exit and counters in book/08-trap-and-emulate.md, and the
 * device exits in book/09-virtio.md.  hv/module.c is the module's side of
 * each ioctl.  Read hv/module.c next.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "devices.h"
#include "migrate.h"
#include "run.h"

int dev_open(int *version)
{
	int fd, err;

	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	/* LIGEIRO_GET_VERSION returns the version as the ioctl's value. */
	*version = ioctl(fd, LIGEIRO_GET_VERSION);
	if (*version < 0) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* Open the device and make sure we speak the same ABI; -1 if not. */
static int open_device(void)
{
	int fd, version;

	fd = dev_open(&version);
	if (fd < 0) {
		say("cannot use %s: %s (is ligeiro.ko loaded?)", DEV_PATH,
		    strerror(-fd));
		return -1;
	}
	if (version != LIGEIRO_ABI_VERSION) {
		say("%s speaks ABI version %d but this launcher speaks %d; build both from one tree",
		    DEV_PATH, version, LIGEIRO_ABI_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * --stats prints "ligeiro-stats: NAME N", one counter per line, for
 * scripts to match.  The names are indexed by ligeiro.h's constants, so no
 * number is repeated here; a counter added there without a name here is
 * still printed, as "unnamed".  The devices' own counters follow.
 */

static const char *const exit_names[LIGEIRO_STAT_COUNT] = {
	[LIGEIRO_STAT_HYPERCALL]	= "hypercall",
	[LIGEIRO_STAT_INTERRUPT]	= "interrupt",
	[LIGEIRO_STAT_EXCEPTION]	= "exception",
	[LIGEIRO_STAT_EMULATION]	= "emulation",
};

static const char *const hcall_names[LIGEIRO_HCALL_COUNT] = {
	[LIGEIRO_HCALL_NOP]		= "nop",
	[LIGEIRO_HCALL_INIT]		= "init",
	[LIGEIRO_HCALL_CONSOLE]		= "console",
	[LIGEIRO_HCALL_HALT]		= "halt",
	[LIGEIRO_HCALL_SHUTDOWN]	= "shutdown",
	[LIGEIRO_HCALL_LOAD_IDT]	= "load_idt",
	[LIGEIRO_HCALL_SET_STACK]	= "set_stack",
	[LIGEIRO_HCALL_NEW_CR3]		= "new_cr3",
	[LIGEIRO_HCALL_INVLPG]		= "invlpg",
	[LIGEIRO_HCALL_FLUSH]		= "flush",
	[LIGEIRO_HCALL_SET_TIMER]	= "set_timer",
	[LIGEIRO_HCALL_MMIO]		= "mmio",
};

/* Trap mode's emulated instructions, by kind (book/07). */
static const char *const emul_names[LIGEIRO_EMUL_COUNT] = {
	[LIGEIRO_EMUL_IRQFLAG]		= "irqflag",
	[LIGEIRO_EMUL_HLT]		= "hlt",
	[LIGEIRO_EMUL_CR]		= "cr",
	[LIGEIRO_EMUL_PORT]		= "port",
	[LIGEIRO_EMUL_DESC]		= "desc",
	[LIGEIRO_EMUL_INVLPG]		= "invlpg",
	[LIGEIRO_EMUL_MSR]		= "msr",
	[LIGEIRO_EMUL_MMIO]		= "mmio",
};

static void print_counters(const char *group, const char *const *names,
			   const __u64 *counts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fprintf(stderr, STATS "%s.%s %llu\n", group,
			names[i] ? names[i] : "unnamed", counts[i]);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * create_ns: how long LIGEIRO_CREATE_VM took, which grows with the
 * guest's memory while the module takes it all at creation (make bench
 * draws it against --mem; under -icount shift=0 a nanosecond of the
 * host's clock is one instruction).
 */
static int print_stats(int fd, uint64_t create_ns)
{
	struct ligeiro_stats st;

	if (ioctl(fd, LIGEIRO_GET_STATS, &st) < 0) {
		say("LIGEIRO_GET_STATS: %s", strerror(errno));
		return -1;
	}
	fprintf(stderr, STATS "create_ns %llu\n", (unsigned long long)create_ns);
	fprintf(stderr, STATS "entries %llu\n", st.entries);
	print_counters("exit", exit_names, st.exits, LIGEIRO_STAT_COUNT);
	print_counters("hcall", hcall_names, st.hypercalls,
		       LIGEIRO_HCALL_COUNT);
	fprintf(stderr, STATS "shadow_faults %llu\n" STATS "reflected %llu\n"
		STATS "injected %llu\n" STATS "cr3_loads %llu\n"
		STATS "cr3_hits %llu\n" STATS "cr3_fast %llu\n"
		STATS "batched %llu\n"
		STATS "shadow_tables_peak %llu\n" STATS "shadow_recycles %llu\n",
		st.shadow_faults, st.reflected, st.injected, st.cr3_loads,
		st.cr3_hits, st.cr3_fast, st.batched, st.shadow_tables_peak,
		st.shadow_recycles);
	print_counters("emul", emul_names, st.emulated, LIGEIRO_EMUL_COUNT);
	devices_print_stats();
	return 0;
}

int write_out(const unsigned char *buf, size_t len, const char *what)
{
	struct pollfd out = { .fd = STDOUT_FILENO, .events = POLLOUT };
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		/* A non-blocking stdout we inherited: wait for room. */
		if (n < 0 && errno == EAGAIN) {
			poll(&out, 1, -1);
			continue;
		}
		if (n < 0) {
			say("writing the guest's %s: %s", what, strerror(errno));
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/* The guest's console text, from guest memory. */
static int console(const struct ligeiro_create *create,
		   const struct ligeiro_exit *ex)
{
	const unsigned char *mem = (const void *)(uintptr_t)create->mem_addr;
	__u64 gpa = ex->console.gpa, len = ex->console.len;

	if (gpa > create->mem_size || len > create->mem_size - gpa) {
		say("LIGEIRO_RUN: console text at %#llx (%llu bytes) is outside guest memory; the module should have refused it",
		    gpa, len);
		return -1;
	}
	return write_out(mem + gpa, len, "console");
}

/*
 * What trap mode's virtual COM1 transmitted, carried in the exit itself:
 * the guest wrote it a byte at a time to a port, so there is no buffer in
 * guest memory to point at.  It goes to stdout like console text.
 */
static int serial(const struct ligeiro_exit *ex)
{
	__u64 len = ex->serial.len;

	if (len > LIGEIRO_SERIAL_MAX) {
		say("LIGEIRO_RUN: %llu bytes of serial output, more than the %d an exit holds; the module should have refused it",
		    len, LIGEIRO_SERIAL_MAX);
		return -1;
	}
	return write_out((const unsigned char *)ex->serial.text, len,
			 "serial output");
}

/*
 * A device register: the module decoded the access, we serve it.  A read's
 * value goes back in the same struct, which the next LIGEIRO_RUN reads to
 * complete the guest's instruction.  The module promised an aligned 1, 2
 * or 4 bytes inside the window; we check, since a slot index from a wrong
 * address would pick a register file that does not exist.
 */
static int mmio(struct ligeiro_exit *ex)
{
	__u64 gpa = ex->mmio.gpa, off = gpa - LIGEIRO_MMIO_BASE;
	__u32 size = ex->mmio.size, value;

	if (gpa < LIGEIRO_MMIO_BASE ||
	    off >= LIGEIRO_MMIO_SLOTS * LIGEIRO_MMIO_STRIDE ||
	    (size != 1 && size != 2 && size != 4) || gpa % size) {
		say("LIGEIRO_RUN: a %u-byte device access at %#llx is misaligned or outside the device window; the module should have refused it",
		    size, gpa);
		return -1;
	}
	value = devices_mmio(off / LIGEIRO_MMIO_STRIDE,
			     off % LIGEIRO_MMIO_STRIDE, size, ex->mmio.write,
			     ex->mmio.value);
	if (!ex->mmio.write)
		ex->mmio.value = value;
	return 0;
}

/*
 * The launcher's own FPU control state.  The guest runs on this thread,
 * with FPU state of its own that the module keeps apart (book/04, "Whose
 * state is it"); we check that promise after every run, because PKRU
 * guards our memory and MXCSR and the x87 control word decide how our
 * arithmetic rounds and traps.
 */
struct own_state {
	uint32_t pkru, mxcsr;
	uint16_t fcw;
};

static bool have_pkru(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & bit_OSPKE);
}

static void own_state(struct own_state *s)
{
	static int pkru = -1;
	unsigned int edx;

	if (pkru < 0)
		pkru = have_pkru();
	s->pkru = 0;
	if (pkru)
		asm volatile("rdpkru" : "=a" (s->pkru), "=d" (edx) : "c" (0));
	asm volatile("stmxcsr %0" : "=m" (s->mxcsr));
	asm volatile("fnstcw %0" : "=m" (s->fcw));
}

/* 0, or -1 with a message if a run left us other state than @before. */
static int own_state_kept(const struct own_state *before)
{
	struct own_state now;

	own_state(&now);
	if (now.pkru == before->pkru && now.mxcsr == before->mxcsr &&
	    now.fcw == before->fcw)
		return 0;
	say("the guest changed the launcher's own FPU state (PKRU %#x -> %#x, MXCSR %#x -> %#x, x87 control %#x -> %#x): ligeiro.ko must keep it apart",
	    before->pkru, now.pkru, before->mxcsr, now.mxcsr, before->fcw,
	    now.fcw);
	return -1;
}

/*
 * Call LIGEIRO_RUN until the guest is gone, and return the exit status.
 * *ended says whether the guest itself ended (shut down or was killed),
 * rather than the launcher giving up on it.
 *
 * @ex lives across calls: after an MMIO read it carries the value in.
 */
static int serve(int fd, const struct ligeiro_create *create, bool *ended)
{
	struct ligeiro_exit ex = { 0 };
	struct own_state mine;
	bool whole = true;	/* no device read is half done */
	int ret;

	own_state(&mine);
	for (;;) {
		/* A save or a migration's turn (migrate.c). */
		if (whole) {
			ret = outgoing_tick(fd, create);
			if (ret >= 0)
				return ret;
		}
		/* Input that came meanwhile (console.c): at every exit. */
		devices_poll();
		ret = ioctl(fd, LIGEIRO_RUN, &ex);
		if (own_state_kept(&mine))
			return LIGEIRO_EXIT_INTERNAL;
		/* RUN completes a device read first, even when it is EINTR. */
		whole = ret < 0 || ex.reason != LIGEIRO_RUN_MMIO ||
			ex.mmio.write;
		if (ret < 0) {
			/*
			 * A signal we survive, and the VM is still usable.
			 * The fatal ones never come back here.
			 */
			if (errno == EINTR)
				continue;
			say("LIGEIRO_RUN: %s", strerror(errno));
			return LIGEIRO_EXIT_INTERNAL;
		}
		switch (ex.reason) {
		case LIGEIRO_RUN_CONSOLE:
			if (console(create, &ex))
				return LIGEIRO_EXIT_INTERNAL;
			continue;
		case LIGEIRO_RUN_SERIAL:
			if (serial(&ex))
				return LIGEIRO_EXIT_INTERNAL;
			continue;
		case LIGEIRO_RUN_MMIO:
			if (mmio(&ex))
				return LIGEIRO_EXIT_INTERNAL;
			continue;
		case LIGEIRO_RUN_SHUTDOWN:
			*ended = true;
			if (ex.shutdown.code <= LIGEIRO_EXIT_GUEST_MAX)
				return ex.shutdown.code;
			say("guest shut down with code %llu, above %d; the module should have refused it",
			    ex.shutdown.code, LIGEIRO_EXIT_GUEST_MAX);
			return LIGEIRO_EXIT_INTERNAL;
		case LIGEIRO_RUN_KILLED:
			*ended = true;
			/* The module promises a NUL; we do not rely on it. */
			ex.killed.reason[LIGEIRO_REASON_MAX - 1] = '\0';
			say("guest killed: %s", ex.killed.reason);
			return LIGEIRO_EXIT_KILLED;
		}
		say("LIGEIRO_RUN: unknown exit reason %u", ex.reason);
		return LIGEIRO_EXIT_INTERNAL;
	}
}

/* Load a saved virtual CPU into the new VM; 0 or an exit status. */
static int resume_vcpu(int fd, const struct resume *resume)
{
	if (ioctl(fd, LIGEIRO_SET_VCPU, resume->vcpu) < 0) {
		say("LIGEIRO_SET_VCPU: the saved virtual CPU was refused: %s",
		    strerror(errno));
		return LIGEIRO_EXIT_BADIMAGE;
	}
	if (resume->ack_fd >= 0)
		incoming_ack(resume->ack_fd);
	return 0;
}

/* How long LIGEIRO_CREATE_VM took, for --stats. */
static uint64_t create_ns;

int create_vm(const struct ligeiro_create *create, int *vm)
{
	uint64_t t0;
	int fd;

	fd = open_device();
	if (fd < 0)
		return LIGEIRO_EXIT_NODEV;

	/*
	 * Whether a mode is supported is the module's to say, so trap mode
	 * is asked for like any other, and only a refusal is explained.
	 */
	t0 = now_ns();
	if (ioctl(fd, LIGEIRO_CREATE_VM, create) < 0) {
		if (errno == ENOMEM)
			say("LIGEIRO_CREATE_VM: the host has not %lluM of memory free for the guest (--mem)",
			    create->mem_size >> 20);
		else if (errno == EINVAL && create->mode == LIGEIRO_MODE_TRAP)
			say("trap mode is not supported by this ligeiro.ko (LIGEIRO_CREATE_VM: %s)",
			    strerror(errno));
		else
			say("LIGEIRO_CREATE_VM (%lluK of memory, entry %#llx, boot block at %#llx): %s",
			    create->mem_size >> 10, create->entry,
			    create->boot_gpa, strerror(errno));
		close(fd);
		return LIGEIRO_EXIT_INTERNAL;
	}
	create_ns = now_ns() - t0;
	*vm = fd;
	return 0;
}

int run_vm(int fd, const struct ligeiro_create *create,
	   const struct resume *resume, bool stats)
{
	bool ended = false;
	int ret;

	if (resume) {
		ret = resume_vcpu(fd, resume);
		if (ret) {
			close(fd);
			return ret;
		}
	}
	devices_attach(fd);
	ret = serve(fd, create, &ended);
	if (stats && ended && print_stats(fd, create_ns))
		ret = LIGEIRO_EXIT_INTERNAL;
	close(fd);
	return ret;
}
