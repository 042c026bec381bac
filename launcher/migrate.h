/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migrate.h - the guest leaving this launcher (a save or a migration),
 * and arriving from another.
 *
 * SIGUSR1, or Ctrl-] s typed on the console (console.c), asks for what
 * the command line prepared: --save=FILE writes the guest to FILE and
 * ends the launcher; --migrate=unix:PATH (or tcp:HOST:PORT) moves it,
 * live, to the launcher that waits with --incoming at the same place.  The vCPU
 * loop (run.c) gives migrate.c a turn at every exit where the guest's
 * state is whole.
 *
 * The book: "Saving and moving a guest" (book/17-migration.md).  Read
 * migrate.c next.
 */
#ifndef LIGEIRO_LAUNCHER_MIGRATE_H
#define LIGEIRO_LAUNCHER_MIGRATE_H

#include <ligeiro.h>

#include "vq.h"

/*
 * NULL if @spec names a place to migrate to or from ("unix:PATH", or
 * "tcp:HOST:PORT" on the loopback address), else what is wrong with it.
 */
const char *migrate_spec_error(const char *spec);

/* What SIGUSR1 will do: save to @save, or migrate to @peer (or neither). */
void outgoing_setup(const char *save, const char *peer,
		    struct guest_mem *mem);

/* Whether SIGUSR1 (or the console's Ctrl-] s) has anything to do. */
bool outgoing_ready(void);

/*
 * A turn between two runs: start, continue or finish what SIGUSR1 asked.
 * Return -1 to go on running the guest here, or the launcher's exit
 * status once the guest is saved or has left.
 */
int outgoing_tick(int vm_fd, const struct ligeiro_create *c);

/* Wait on @spec for one sender; its connected socket, or -1. */
int incoming_accept(const char *spec);
/* Tell the sender its guest now runs here, and hang up. */
void incoming_ack(int fd);

#endif /* LIGEIRO_LAUNCHER_MIGRATE_H */
