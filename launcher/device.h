/* SPDX-License-Identifier: GPL-2.0 */
/*
 * device.h - talking to ligeiro.ko through /dev/ligeiro.
 *
 * The launcher is an ordinary process; everything it asks of the
 * hypervisor goes through ioctls on one character device, defined in
 * hv/uapi/ligeiro.h.  For now there is exactly one question to ask: which
 * ABI version do you speak?
 *
 * The book introduces the device in "The launcher" (book/03-launcher.md);
 * read device.c next, then hv/uapi/ligeiro.h for the ioctl itself.
 */
#ifndef LIGEIRO_LAUNCHER_DEVICE_H
#define LIGEIRO_LAUNCHER_DEVICE_H

#include <ligeiro.h>

/** The module's character device, as devtmpfs names it. */
#define DEV_PATH	"/dev/" LIGEIRO_DEVICE_NAME

/**
 * dev_open() - open DEV_PATH and ask the module for its ABI version.
 * @version: where to store the module's LIGEIRO_ABI_VERSION; comparing it
 *	with our own is the caller's job.
 *
 * Return: the open file descriptor, or -errno from open() or the ioctl.
 */
int dev_open(int *version);

#endif /* LIGEIRO_LAUNCHER_DEVICE_H */
