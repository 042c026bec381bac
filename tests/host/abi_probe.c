// SPDX-License-Identifier: GPL-2.0
/*
 * abi_probe.c - poke /dev/ligeiro the way a careless program would.
 *
 * Runs inside the QEMU host (tests/host/foundation.sh calls it).  Each
 * check prints a RESULT line: the version ioctl answers the version of the
 * header this was built with, unknown requests are refused with ENOTTY,
 * read/write/mmap on the device fail cleanly, several opens coexist, and
 * every malformed LIGEIRO_CREATE_VM or out-of-order LIGEIRO_RUN gets its
 * errno and leaves the file usable.
 * The host's log is then searched for oopses by the harness: a refused
 * request must leave no trace there.  See book/16-testing.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ligeiro.h"

static int failures;

static void result(const char *name, int ok, const char *detail)
{
	printf("%s %s %s %s\n", LIGEIRO_RESULT_TAG, name,
	       ok ? "PASS" : "FAIL", detail);
	failures += !ok;
}

/* ok when the call failed with exactly the expected errno */
static void expect_errno(const char *name, long ret, int want)
{
	char detail[80];
	int ok = ret == -1 && errno == want;

	snprintf(detail, sizeof(detail), "ret=%ld errno=%s want=%s", ret,
		 ret == -1 ? strerror(errno) : "-", strerror(want));
	result(name, ok, detail);
}

#define MEM	(4UL << 20)

/* LIGEIRO_CREATE_VM on a fresh file with one field of a good request
 * spoiled by @spoil; the call must fail with @want. */
static void bad_create(const char *path, const char *name, void *mem,
		       void (*spoil)(struct ligeiro_create *), int want)
{
	struct ligeiro_create c = {
		.mem_addr = (unsigned long)mem, .mem_size = MEM,
		.entry = 1 << 20, .boot_gpa = 2 << 20, .mode = LIGEIRO_MODE_PV,
	};
	int fd = open(path, O_RDWR | O_CLOEXEC);

	spoil(&c);
	expect_errno(name, ioctl(fd, LIGEIRO_CREATE_VM, &c), want);
	close(fd);
}

static void misaligned(struct ligeiro_create *c) { c->mem_addr += 8; }
static void empty(struct ligeiro_create *c) { c->mem_size = 0; }
static void huge(struct ligeiro_create *c) { c->mem_size = 1ULL << 40; }
static void entry_out(struct ligeiro_create *c) { c->entry = MEM; }
static void boot_out(struct ligeiro_create *c) { c->boot_gpa = ~0ULL; }
static void flags(struct ligeiro_create *c) { c->flags = 1U << 31; }
static void mode(struct ligeiro_create *c) { c->mode = 77; }
static void unmapped(struct ligeiro_create *c) { c->mem_addr = 4096; }
static void roots(struct ligeiro_create *c) { c->roots = LIGEIRO_ROOTS_MAX + 1; }
static void pad(struct ligeiro_create *c) { c->pad = 1; }

static void check_create(const char *path)
{
	void *mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct ligeiro_create c = {
		.mem_addr = (unsigned long)mem, .mem_size = MEM,
		.entry = 1 << 20, .boot_gpa = 2 << 20, .mode = LIGEIRO_MODE_PV,
	};
	struct ligeiro_exit ex;
	int fd;

	bad_create(path, "abi.create_misaligned", mem, misaligned, EINVAL);
	bad_create(path, "abi.create_empty", mem, empty, EINVAL);
	bad_create(path, "abi.create_huge", mem, huge, EINVAL);
	bad_create(path, "abi.create_entry", mem, entry_out, EINVAL);
	bad_create(path, "abi.create_boot", mem, boot_out, EINVAL);
	bad_create(path, "abi.create_flags", mem, flags, EINVAL);
	bad_create(path, "abi.create_mode", mem, mode, EINVAL);
	bad_create(path, "abi.create_unmapped", mem, unmapped, EFAULT);
	bad_create(path, "abi.create_roots", mem, roots, EINVAL);
	bad_create(path, "abi.create_pad", mem, pad, EINVAL);

	fd = open(path, O_RDWR | O_CLOEXEC);
	expect_errno("abi.run_before_create", ioctl(fd, LIGEIRO_RUN, &ex),
		     EINVAL);
	expect_errno("abi.irq_before_create", ioctl(fd, LIGEIRO_IRQ, 5),
		     EINVAL);
	result("abi.create", ioctl(fd, LIGEIRO_CREATE_VM, &c) == 0,
	       "a good request after bad ones");
	expect_errno("abi.create_twice", ioctl(fd, LIGEIRO_CREATE_VM, &c),
		     EBUSY);
	expect_errno("abi.create_efault",
		     ioctl(fd, LIGEIRO_CREATE_VM, (void *)16), EFAULT);
	expect_errno("abi.run_efault", ioctl(fd, LIGEIRO_RUN, (void *)16),
		     EFAULT);
	expect_errno("abi.irq_line", ioctl(fd, LIGEIRO_IRQ, LIGEIRO_IRQ_LINES),
		     EINVAL);
	result("abi.irq", ioctl(fd, LIGEIRO_IRQ, LIGEIRO_MMIO_IRQ) == 0,
	       "a device's line raised");
	close(fd);
	munmap(mem, MEM);
}

/*
 * A guest larger than the host's free memory: an error for the caller,
 * never the OOM killer (the mapping itself reserves nothing).
 */
#define BEYOND_RAM	(3UL << 30)

static void check_create_beyond_ram(const char *path)
{
	void *mem = mmap(NULL, BEYOND_RAM, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct ligeiro_create c = {
		.mem_addr = (unsigned long)mem, .mem_size = BEYOND_RAM,
		.entry = 1 << 20, .boot_gpa = 2 << 20, .mode = LIGEIRO_MODE_PV,
	};
	int fd = open(path, O_RDWR | O_CLOEXEC);

	expect_errno("abi.create_beyond_ram", mem == MAP_FAILED ? 0 :
		     ioctl(fd, LIGEIRO_CREATE_VM, &c), ENOMEM);
	close(fd);
	munmap(mem, BEYOND_RAM);
}

int main(void)
{
	char path[64], buf[8], detail[80];
	int fd, fd2, ver;
	void *p;

	snprintf(path, sizeof(path), "/dev/%s", LIGEIRO_DEVICE_NAME);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(detail, sizeof(detail), "open %s: %s", path,
			 strerror(errno));
		result("abi.open", 0, detail);
		return 1;
	}
	result("abi.open", 1, path);

	ver = ioctl(fd, LIGEIRO_GET_VERSION);
	snprintf(detail, sizeof(detail), "module=%d header=%d", ver,
		 LIGEIRO_ABI_VERSION);
	result("abi.version", ver == LIGEIRO_ABI_VERSION, detail);

	expect_errno("abi.unknown_ioctl",
		     ioctl(fd, _IO(LIGEIRO_IOCTL_TYPE, 0xff)), ENOTTY);
	expect_errno("abi.foreign_ioctl", ioctl(fd, _IOW('T', 1, int), buf),
		     ENOTTY);
	expect_errno("abi.read", read(fd, buf, sizeof(buf)), EINVAL);
	expect_errno("abi.write", write(fd, buf, sizeof(buf)), EINVAL);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	expect_errno("abi.mmap", p == MAP_FAILED ? -1 : 0, ENODEV);

	fd2 = open(path, O_RDWR | O_CLOEXEC);
	ver = fd2 < 0 ? -1 : ioctl(fd2, LIGEIRO_GET_VERSION);
	snprintf(detail, sizeof(detail), "second open version=%d", ver);
	result("abi.two_opens", ver == LIGEIRO_ABI_VERSION, detail);

	close(fd2);
	close(fd);
	check_create(path);
	check_create_beyond_ram(path);
	return failures != 0;
}
