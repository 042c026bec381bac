// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - opening /dev/ligeiro and asking its ABI version.
 *
 * The version check comes before anything else the launcher asks of the
 * module: a launcher and a module built from different versions of
 * ligeiro.h would disagree on what each ioctl means, and the result would
 * be a confusing failure far away.  Asking first turns that into one clear
 * message.
 *
 * The book covers this in "The launcher" (book/03-launcher.md); main.c
 * shows what the launcher does with the answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "device.h"

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
