/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - talking to ligeiro.ko through /dev/ligeiro.
 *
 * The launcher is an ordinary process; everything it asks of the
 * hypervisor goes through ioctls on one character device, defined in
 * hv/uapi/ligeiro.h: which ABI version do you speak, make a VM of this
 * memory, run it until it needs me, how often did it leave ring 1.
 *
 * The book introduces the device in "The launcher" (book/03-launcher.md).
 * Read run.c next.
 */
#ifndef LIGEIRO_LAUNCHER_RUN_H
#define LIGEIRO_LAUNCHER_RUN_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * A guest that goes on from where it was saved (--restore, --incoming):
 * its virtual CPU, and the socket of the launcher it came from (or -1),
 * to tell once the guest is loaded here.
 */
struct resume {
	const struct ligeiro_vcpu *vcpu;
	int ack_fd;
};

/**
 * create_vm() - open the device and make a VM of @create's memory.
 * @create: what LIGEIRO_CREATE_VM needs.  A new guest is already loaded
 *	into the memory at @create->mem_addr, boot block included; a
 *	resumed one may still be arriving (the module only pins the pages).
 *
 * Return: 0 with the VM's file descriptor in *@vm, or the launcher's
 * exit status after saying why not.
 */
int create_vm(const struct ligeiro_create *create, int *vm);

/**
 * run_vm() - serve VM @fd until the guest stops, then close it.
 * @resume: NULL to boot the guest, else the state it goes on from.
 * @stats: print the module's counters to stderr once the guest has ended.
 *
 * Return: the launcher's exit status: the guest's own shutdown code, or
 * one of the LIGEIRO_EXIT_* codes (0 also once the guest is saved or has
 * migrated away).
 */
int run_vm(int fd, const struct ligeiro_create *create,
	   const struct resume *resume, bool stats);

/* The start of every --stats line, for scripts to match. */
#define STATS	"ligeiro-stats: "

/**
 * write_out() - all of @len bytes of the guest's output to our stdout.
 * @what: names the output in an error message.
 *
 * Return: 0, or -1 after saying why not.
 */
int write_out(const unsigned char *buf, size_t len, const char *what);

/* From main.c: one line, "ligeiro: " and the message, on stderr. */
__attribute__((format(printf, 1, 2)))
void say(const char *fmt, ...);

#endif /* LIGEIRO_LAUNCHER_RUN_H */
