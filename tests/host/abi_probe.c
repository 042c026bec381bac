// SPDX-License-Identifier: GPL-2.0
/*
 * abi_probe.c - poke /dev/ligeiro the way a careless program would.
 *
 * Runs inside the QEMU host (tests/host/foundation.sh calls it).  Each
 * check prints a RESULT line: the version ioctl answers the version of the
 * header this was built with, unknown requests are refused with ENOTTY,
 * read/write/mmap on the device fail cleanly, and several opens coexist.
 * The host's log is then searched for oopses by the harness: a refused
 * request must leave no trace there.  See book/09-testing.md.
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
	return failures != 0;
}
