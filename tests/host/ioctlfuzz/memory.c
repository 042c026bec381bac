// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - CREATE_VM on every kind of memory a caller could name.
 *
 * The ABI asks for the launcher's own anonymous memory; a caller may name
 * anything else.  Each kind below gets its errno, or (when the module
 * takes it) a guest that must still run and shut down on it, even after
 * the memory was truncated or unmapped under the VM: what the module
 * pinned stays the VM's until the file is closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ioctlfuzz.h"

#define HUGE_PAGE	(2UL << 20)

/*
 * One kind of memory.  setup() maps it (or names memory that is not
 * ours); want is CREATE_VM's answer.  When that is 0 the shutdown guest
 * is copied in and must run to its end, after after() (if any) did its
 * worst to the memory -- unless the memory is our own stack, which must
 * only be created on.
 */
struct mem {
	char *mem;
	size_t size;
	char *mapped;		/* what to munmap at the end, if anything */
	size_t mapped_size;
	int file;		/* a file behind the memory, or -1 */
	int no_run;
};

struct memcase {
	const char *name;
	long want;
	void (*setup)(struct mem *);
	void (*after)(struct mem *);
};

static void own(struct mem *m, int prot)
{
	m->mem = m->mapped = map_anon(GUEST_MEM, prot);
	m->size = m->mapped_size = GUEST_MEM;
}

static void m_unmapped(struct mem *m)
{
	own(m, PROT_READ);
	munmap(m->mem, m->size);
	m->mapped = NULL;
}
static void m_readonly(struct mem *m) { own(m, PROT_READ); }
static void m_none(struct mem *m) { own(m, PROT_NONE); }
static void m_hole(struct mem *m)
{
	own(m, PROT_READ | PROT_WRITE);
	munmap(m->mem + GUEST_MEM / 2, PAGE);
}
static void m_zero(struct mem *m)
{
	own(m, PROT_READ | PROT_WRITE);
	m->size = 0;
}
static void m_unaligned_addr(struct mem *m)
{
	own(m, PROT_READ | PROT_WRITE);
	m->mem += sizeof(long);
	m->size -= PAGE;
}
static void m_unaligned_size(struct mem *m)
{
	own(m, PROT_READ | PROT_WRITE);
	m->size -= sizeof(long);
}
static void m_too_big(struct mem *m)
{
	own(m, PROT_READ | PROT_WRITE);
	m->size = LIGEIRO_MMIO_BASE + PAGE;
}
static void m_wrapping(struct mem *m)
{
	m->mem = (char *)-(2UL * PAGE);
	m->size = 4 * PAGE;
}
static void m_kernel(struct mem *m)
{
	m->mem = (char *)0xffff888000000000UL;
	m->size = GUEST_MEM;
}

/* The vDSO's data page ([vvar]): mapped, but not memory one can pin. */
static void m_vvar(struct mem *m)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[256];
	unsigned long start = 0;

	while (maps && fgets(line, sizeof(line), maps))
		if (strstr(line, "[vvar]"))
			sscanf(line, "%lx", &start);
	if (maps)
		fclose(maps);
	m->mem = (char *)start;
	m->size = PAGE;
}

/* Guest memory backed by a file in the host's tmpfs, shared. */
static void m_file(struct mem *m)
{
	char path[] = "/tmp/ioctlfuzz-XXXXXX";

	m->file = mkstemp(path);
	if (m->file < 0 || ftruncate(m->file, GUEST_MEM))
		die("file");
	unlink(path);
	m->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_SHARED,
		      m->file, 0);
	if (m->mem == MAP_FAILED)
		die("mmap file");
	m->mapped = m->mem;
	m->size = m->mapped_size = GUEST_MEM;
}
static void m_anon(struct mem *m) { own(m, PROT_READ | PROT_WRITE); }

static void m_huge(struct mem *m)
{
	m->mapped = map_anon(2 * HUGE_PAGE, PROT_READ | PROT_WRITE);
	m->mapped_size = 2 * HUGE_PAGE;
	m->mem = (char *)(((unsigned long)m->mapped + HUGE_PAGE - 1) &
			  ~(HUGE_PAGE - 1));
	m->size = HUGE_PAGE;
	madvise(m->mem, HUGE_PAGE, MADV_HUGEPAGE);
}

/* The page our own stack is in: legal, if unwise; never run. */
static void m_stack(struct mem *m)
{
	m->mem = (char *)((unsigned long)__builtin_frame_address(0) &
			  ~(PAGE - 1UL));
	m->size = PAGE;
	m->no_run = 1;
}

static void a_truncate(struct mem *m)
{
	if (ftruncate(m->file, 0))
		die("ftruncate");
}

static void a_unmap(struct mem *m)
{
	munmap(m->mapped, m->mapped_size);
	m->mapped = NULL;
}

static void memory_case(const struct memcase *c)
{
	struct mem mem = { .file = -1 }, *m = &mem;
	struct ligeiro_exit ex;
	char w[32], g[32];
	int fd = open_dev();
	long r;

	c->setup(m);
	if (c->want == 0 && !m->no_run)
		copy_guest(m->mem, G_SHUTDOWN, LIGEIRO_MODE_PV);
	r = create(fd, m->mem, m->size, LIGEIRO_MODE_PV);
	if (r != c->want) {
		errname(w, sizeof(w), c->want);
		errname(g, sizeof(g), r);
		fail("%s: CREATE_VM got %s, want %s", c->name, g, w);
	} else if (r == 0 && !m->no_run) {
		if (c->after)
			c->after(m);
		r = run_past_output(fd, &ex);
		if (r || ex.reason != LIGEIRO_RUN_SHUTDOWN ||
		    ex.shutdown.code != TINY_SHUTDOWN_CODE)
			fail("%s: the guest did not shut down with %d (run %ld, reason %u)",
			     c->name, TINY_SHUTDOWN_CODE, r, ex.reason);
	}
	close(fd);
	if (m->mapped)
		munmap(m->mapped, m->mapped_size);
	if (m->file >= 0)
		close(m->file);
}

void fuzz_memory(void)
{
	static const struct memcase cases[] = {
		{ "unmapped", -EFAULT, m_unmapped, NULL },
		{ "read-only", -EFAULT, m_readonly, NULL },
		{ "PROT_NONE", -EFAULT, m_none, NULL },
		{ "a hole in the middle", -EFAULT, m_hole, NULL },
		{ "zero bytes", -EINVAL, m_zero, NULL },
		{ "an unaligned address", -EINVAL, m_unaligned_addr, NULL },
		{ "an unaligned size", -EINVAL, m_unaligned_size, NULL },
		{ "past the device window", -EINVAL, m_too_big, NULL },
		{ "wrapping the address space", -EFAULT, m_wrapping, NULL },
		{ "the kernel's half", -EFAULT, m_kernel, NULL },
		{ "[vvar]", -EFAULT, m_vvar, NULL },
		{ "a shared file", 0, m_file, NULL },
		{ "a shared file, truncated under the VM", 0, m_file, a_truncate },
		{ "anonymous, unmapped under the VM", 0, m_anon, a_unmap },
		{ "a transparent huge page", 0, m_huge, NULL },
		{ "our own stack", 0, m_stack, NULL },
	};
	int n = sizeof(cases) / sizeof(cases[0]);
	char detail[64];

	for (int i = 0; i < n; i++) {
		int before = failures;

		memory_case(&cases[i]);
		printf("ioctlfuzz memory: %s: %s\n", cases[i].name,
		       failures == before ? "as expected" : "UNEXPECTED");
	}
	snprintf(detail, sizeof(detail), "%d kinds of memory", n);
	report(detail);
}

