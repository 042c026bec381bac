// SPDX-License-Identifier: GPL-2.0
/*
 * calls.c - random ioctls, each with the answer the ABI predicts.
 *
 * Unknown command numbers (random ones, ours with another size or
 * direction, ours with one bit flipped, ours under another driver's type)
 * must get ENOTTY; ligeiro's own five, with garbage arguments (NULL,
 * freed, read-only, kernel, non-canonical, just before a guard page,
 * random; CREATE_VM requests with one field spoiled), on a fresh file,
 * a live VM and an ended one, must get exactly the errno the rules of
 * hv/uapi/ligeiro.h give, worked out before the call is made.  A RUN
 * whose exit cannot be written back is EFAULT: the exit is lost, the VM
 * is not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ioctlfuzz.h"

enum { F_FRESH, F_LIVE, F_DONE, F_STATES };	/* the file's state */
static const char *const state_names[] = { "fresh", "live", "ended" };

/* Where an argument points, and so what the kernel can do with it. */
enum { P_GOOD, P_READONLY, P_EDGE, P_NULL, P_FREED, P_KERNEL,
       P_NONCANONICAL, P_RANDOM, P_KINDS };
static const char *const ptr_names[] = { "good", "read-only",
	"page edge", "NULL", "freed", "kernel", "non-canonical", "random" };

struct arena {
	char *good;		/* two read-write pages of random bytes */
	char *readonly;		/* two read-only pages of random bytes */
	char *edge;		/* the last 8 bytes before a guard page */
	char *freed;		/* a page that was mapped once */
};

static void arena_init(struct arena *a)
{
	char *two = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);

	a->good = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	/* two pages: struct ligeiro_vcpu is larger than one */
	a->readonly = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	fill_random(a->readonly, 2 * PAGE);
	mprotect(a->readonly, 2 * PAGE, PROT_READ);
	munmap(two + PAGE, PAGE);
	a->edge = two + PAGE - sizeof(long);
	a->freed = map_anon(PAGE, PROT_READ);
	munmap(a->freed, PAGE);
}

/* An argument of kind @kind for a structure of @size bytes. */
static unsigned long pointer(struct arena *a, int kind, size_t size)
{
	switch (kind) {
	case P_GOOD:
		fill_random(a->good, 2 * PAGE);
		return (unsigned long)a->good + below(2 * PAGE - size + 1);
	case P_READONLY:
		return (unsigned long)a->readonly + below(2 * PAGE - size + 1);
	case P_EDGE:	return (unsigned long)a->edge;
	case P_NULL:	return 0;
	case P_FREED:	return (unsigned long)a->freed;
	case P_KERNEL:	return 0xffff888000000000UL + below(1UL << 30);
	case P_NONCANONICAL:
		return 0x0000800000000000UL + below(1UL << 46);
	}
	return rnd();
}

/* A CREATE_VM request: sometimes all garbage, mostly one field spoiled. */
static void garbage_create(struct ligeiro_create *c)
{
	static const unsigned long long sizes[] = {
		0, 1, PAGE - 1, PAGE, PAGE + 1, LIGEIRO_MMIO_BASE,
		LIGEIRO_MMIO_BASE + PAGE, 1ULL << 40, ~0ULL, ~0ULL - PAGE + 1,
	};

	if (below(4) == 0) {
		fill_random(c, sizeof(*c));
		return;
	}
	c->mem_addr = rnd() & ~(PAGE - 1ULL);
	c->mem_size = sizes[below(sizeof(sizes) / sizeof(sizes[0]))];
	c->entry = below(2) ? 0 : rnd();
	c->boot_gpa = below(2) ? 0 : rnd();
	c->mode = below(4) ? below(2) : rnd();
	c->flags = below(4) ? 0 : below(2) ? below(LIGEIRO_CREATE_FLAGS + 1) :
		   rnd();
	c->roots = below(2) ? 0 : below(2) ? LIGEIRO_ROOTS_MAX + below(2) : rnd();
	c->pad = below(4) ? 0 : rnd();
}

/* What the ABI says CREATE_VM answers to @c on a file never created. */
static int create_verdict(const struct ligeiro_create *c)
{
	if (c->flags & ~LIGEIRO_CREATE_FLAGS || c->pad ||
	    c->roots > LIGEIRO_ROOTS_MAX ||
	    c->mode > LIGEIRO_MODE_TRAP ||
	    c->mem_addr % PAGE || c->mem_size % PAGE || !c->mem_size ||
	    c->mem_size > LIGEIRO_MMIO_BASE || c->entry >= c->mem_size ||
	    c->boot_gpa >= c->mem_size)
		return -EINVAL;
	return -EFAULT;		/* its memory is not ours (or too large) */
}

static const unsigned int commands[] = {
	LIGEIRO_GET_VERSION, LIGEIRO_CREATE_VM, LIGEIRO_RUN,
	LIGEIRO_GET_STATS, LIGEIRO_IRQ, LIGEIRO_GET_VCPU, LIGEIRO_SET_VCPU,
	LIGEIRO_GET_DIRTY,
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static int known(unsigned int cmd)
{
	for (unsigned int i = 0; i < NCOMMANDS; i++)
		if (commands[i] == cmd)
			return 1;
	return 0;
}

/* A command number that is none of ours: random, or a near miss. */
static unsigned int unknown_command(void)
{
	unsigned int cmd;

	do {
		switch (below(4)) {
		case 0:
			cmd = rnd();
			break;
		case 1:		/* our type, any number, size and direction */
			cmd = _IOC(below(4), LIGEIRO_IOCTL_TYPE, below(256),
				   below(_IOC_SIZEMASK + 1));
			break;
		case 2:		/* one of ours with one bit flipped */
			cmd = commands[below(NCOMMANDS)] ^ (1U << below(32));
			break;
		default:	/* one of ours, another driver's type */
			cmd = (commands[below(NCOMMANDS)] &
			       ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) |
			      (unsigned int)below(256) << _IOC_TYPESHIFT;
		}
	} while (known(cmd));
	return cmd;
}

struct files {
	struct vm vm[F_STATES];
};

static void files_init(struct files *f)
{
	struct ligeiro_exit ex;

	f->vm[F_FRESH].fd = open_dev();
	f->vm[F_FRESH].mem = map_anon(GUEST_MEM, PROT_READ | PROT_WRITE);
	vm_new(&f->vm[F_LIVE], G_PRINT, LIGEIRO_MODE_PV);
	vm_new(&f->vm[F_DONE], G_SHUTDOWN, LIGEIRO_MODE_PV);
	if (run_past_output(f->vm[F_DONE].fd, &ex) ||
	    ex.reason != LIGEIRO_RUN_SHUTDOWN)
		fail("the shutdown guest did not shut down");
}

static void files_free(struct files *f)
{
	for (int s = 0; s < F_STATES; s++)
		vm_free(&f->vm[s]);
}

/*
 * One request and its prediction.  Returns the expected value (or
 * -errno); *@got is what came back.
 */
static long one_call(struct files *f, struct arena *a, int state,
		     unsigned int *cmdp, int *kindp, long *got)
{
	int fd = f->vm[state].fd, kind = below(P_KINDS);
	int readable = kind == P_GOOD || kind == P_READONLY;
	int writable = kind == P_GOOD;
	unsigned int cmd;
	unsigned long arg;
	long want;

	*kindp = kind;
	if (below(5) < 2) {
		cmd = unknown_command();
		arg = pointer(a, kind, PAGE);
		want = -ENOTTY;
	} else {
		cmd = commands[below(NCOMMANDS)];
		arg = pointer(a, kind, _IOC_SIZE(cmd));
		if (cmd == LIGEIRO_CREATE_VM && kind == P_GOOD)
			garbage_create((void *)arg);
		if (cmd == LIGEIRO_GET_VERSION) {
			want = LIGEIRO_ABI_VERSION;
		} else if (cmd == LIGEIRO_IRQ) {
			arg = below(2) ? below(2 * LIGEIRO_IRQ_LINES) : rnd();
			want = state != F_FRESH && arg < LIGEIRO_IRQ_LINES ?
			       0 : -EINVAL;
		} else if (cmd == LIGEIRO_GET_STATS) {
			want = writable ? 0 : -EFAULT;
		} else if (cmd == LIGEIRO_GET_VCPU) {
			want = state == F_FRESH ? -EINVAL :
			       state == F_DONE ? -ESRCH :
			       writable ? 0 : -EFAULT;
		} else if (cmd == LIGEIRO_SET_VCPU) {
			/* garbage: its size field alone is wrong */
			want = state == F_FRESH ? -EINVAL :
			       !readable ? -EFAULT :
			       state == F_DONE ? -ESRCH : -EINVAL;
		} else if (cmd == LIGEIRO_GET_DIRTY) {
			/* no bitmap: stop logging; else npages is wrong */
			want = state == F_FRESH ? -EINVAL :
			       !readable ? -EFAULT :
			       !((struct ligeiro_dirty *)arg)->bitmap ? 0 :
			       -EINVAL;
		} else if (cmd == LIGEIRO_CREATE_VM) {
			want = !readable ? -EFAULT :
			       state != F_FRESH ? -EBUSY :
			       create_verdict((void *)arg);
		} else {	/* RUN: the live guest prints, the exit comes back */
			want = state == F_FRESH ? -EINVAL :
			       !readable ? -EFAULT :
			       state == F_DONE ? -ESRCH :
			       writable ? 0 : -EFAULT;
		}
	}
	*cmdp = cmd;
	*got = call(fd, cmd, arg);
	if (*got == -ENOMEM && want == -EFAULT && cmd == LIGEIRO_CREATE_VM)
		want = -ENOMEM;	/* a size the host cannot have: either */
	if (*got == 0 && cmd == LIGEIRO_RUN && writable &&
	    !printed((struct ligeiro_exit *)arg))
		want = 1;	/* RUN said 0, but not the exit it must be */
	return want;
}

void fuzz_calls(unsigned long long seed, long n)
{
	static long by_errno[256];
	struct files f;
	struct arena a;
	char detail[256], w[32], g[32];
	int len = 0;

	arena_init(&a);
	files_init(&f);
	for (long i = 0; i < n; i++) {
		int state = below(F_STATES), kind;
		unsigned int cmd;
		long got, want = one_call(&f, &a, state, &cmd, &kind, &got);

		by_errno[got < 0 && got > -256 ? -got : 0]++;
		if (got == want)
			continue;
		errname(w, sizeof(w), want);
		errname(g, sizeof(g), got);
		fail("call %ld: cmd 0x%08x on a %s file, %s argument: got %s, want %s",
		     i, cmd, state_names[state], ptr_names[kind], g, w);
	}
	if (call(f.vm[F_FRESH].fd, LIGEIRO_GET_VERSION, 0) !=
	    LIGEIRO_ABI_VERSION)
		fail("the file no longer answers its version");
	files_free(&f);
	len = snprintf(detail, sizeof(detail), "%ld calls, seed %llu:", n, seed);
	for (int e = 0; e < 256; e++)
		if (by_errno[e] && len < (int)sizeof(detail) - 32)
			len += snprintf(detail + len, sizeof(detail) - len,
					" %s %ld", e ? strerrorname_np(e) : "ok",
					by_errno[e]);
	report(detail);
}


/*
 * LIGEIRO_SET_VCPU takes a state from a file or a socket.  A guest's own
 * state, with one field spoiled to a value the guest could never have
 * had, must be refused with EINVAL and load nothing: read back, the state
 * is still the one before.
 */
#define VCPU_FIELD(f)	offsetof(struct ligeiro_vcpu, f)

void fuzz_vcpu(void)
{
	static const struct {
		const char *what;
		size_t off;
		__u64 value;
	} spoil[] = {
		{ "a ring-0 code selector", VCPU_FIELD(regs.cs), 0x10 },
		{ "a ring-0 stack selector", VCPU_FIELD(regs.ss), 0x18 },
		{ "a non-canonical rip", VCPU_FIELD(regs.rip), 1ULL << 47 },
		{ "an upper-half rip", VCPU_FIELD(regs.rip), ~0ULL << 47 },
		{ "IOPL 3", VCPU_FIELD(regs.rflags), 0x3202 },
		{ "a ring-0 data selector", VCPU_FIELD(regs.ds), 0x18 },
		{ "a non-canonical fs base", VCPU_FIELD(regs.fs_base), 1ULL << 47 },
		{ "page tables outside memory", VCPU_FIELD(gcr3), GUEST_MEM },
		{ "misaligned page tables", VCPU_FIELD(gcr3), PAGE + 8 },
		{ "a shared page outside memory", VCPU_FIELD(shared_gpa), GUEST_MEM },
		{ "an IDT across a page", VCPU_FIELD(idt_gpa), PAGE - 8 },
		{ "an upper-half kernel stack", VCPU_FIELD(kstack), ~0ULL << 47 },
		{ "the other mode", VCPU_FIELD(mode), LIGEIRO_MODE_TRAP },
		{ "a wrong size", VCPU_FIELD(size), sizeof(struct ligeiro_vcpu) - 8 },
	};
	static struct ligeiro_vcpu good, bad, after;
	const size_t kept = VCPU_FIELD(pending);	/* what must not move */
	char detail[64];
	struct vm vm;
	unsigned int i;
	long got;

	vm_new(&vm, G_PRINT, LIGEIRO_MODE_PV);
	if (call(vm.fd, LIGEIRO_GET_VCPU, (unsigned long)&good) ||
	    call(vm.fd, LIGEIRO_SET_VCPU, (unsigned long)&good))
		fail("a guest's own state does not go out and back in");
	for (i = 0; i < sizeof(spoil) / sizeof(spoil[0]); i++) {
		bad = good;
		if (spoil[i].off == VCPU_FIELD(size) ||
		    spoil[i].off == VCPU_FIELD(mode))
			memcpy((char *)&bad + spoil[i].off, &spoil[i].value, 4);
		else
			memcpy((char *)&bad + spoil[i].off, &spoil[i].value, 8);
		got = call(vm.fd, LIGEIRO_SET_VCPU, (unsigned long)&bad);
		if (got != -EINVAL)
			fail("%s: SET_VCPU gave %ld, not EINVAL", spoil[i].what,
			     got);
		if (call(vm.fd, LIGEIRO_GET_VCPU, (unsigned long)&after) ||
		    memcmp(&after, &good, kept))
			fail("%s: refused, but loaded", spoil[i].what);
	}
	vm_free(&vm);
	snprintf(detail, sizeof(detail), "%u hostile states refused", i);
	report(detail);
}
