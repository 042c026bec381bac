// SPDX-License-Identifier: GPL-2.0
/*
 * migrate.c - save the guest on a signal, or move it live to another
 * launcher by pre-copy.
 *
 * Pre-copy, as the Xen paper of 2003 and its talk describe it: send every
 * page while the guest keeps running; then, in rounds, send again the
 * pages it wrote meanwhile; once a round leaves few enough (or the rounds
 * run out: a guest can dirty memory faster than any link carries it),
 * stop the guest, send the rest with the virtual CPU and the devices,
 * and let the other side go on.  The time the guest stands still - the
 * downtime - is only that last round.
 *
 * The launcher has one thread for the guest, and the copying shares it:
 * while a migration runs, an interval timer makes LIGEIRO_RUN come back
 * every few milliseconds, and each time a slice of the round's pages is
 * sent before the guest runs on.  The rounds' page sets come from
 * LIGEIRO_GET_DIRTY (what the guest and the hypervisor wrote) and from
 * guest_mem's own bitmap (what our devices wrote, vq.c).
 *
 * A failure on the way - the other side died, the connection broke -
 * ends the migration, never the guest: it goes on here.  The other side
 * sends one byte once it has loaded everything; until that byte comes
 * the guest is still ours.
 *
 * The book: "Saving and moving a guest" (book/17-migration.md).  Read
 * hv/state.c next.
 */
#define _GNU_SOURCE	/* accept4 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include "migrate.h"
#include "run.h"
#include "snapshot.h"

#define TICK_US		10000	/* the guest runs this long between slices */
#define SLICE_PAGES	256	/* pages sent per slice: 1 MiB */
#define STOP_PAGES	64	/* a round this small: stop and copy */
#define ACK_BYTE	'K'	/* the other side loaded the guest */
#define PROGRESS_MS	1000	/* a long round says how far it is */

static volatile sig_atomic_t asked;

static struct {
	const char *save, *peer;	/* --save=FILE, --migrate's path */
	struct guest_mem *mem;
	bool active;			/* a migration is under way */
	struct snap_out out;
	uint64_t *todo;			/* this round's pages */
	uint64_t npages, next;		/* the next page of todo to look at */
	uint64_t count, done;		/* pages in todo, and looked at */
	uint64_t sent;			/* pages this round has sent */
	uint64_t total;			/* pages the rounds before sent */
	uint64_t t_start;		/* ms_now() as the migration began */
	uint64_t t_round;		/* ms_now() as this round began */
	uint64_t t_shown;		/* ms_now() at the last progress line */
	unsigned int round;		/* this round's number, from 0 */
} mig;

static void on_usr1(int sig)
{
	(void)sig;
	asked = 1;
}

static void on_alarm(int sig)
{
	(void)sig;	/* only to make LIGEIRO_RUN return */
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Where a guest goes or comes from: "unix:PATH", a Unix socket, or
 * "tcp:HOST:PORT" on the loopback address.  The stream is not
 * authenticated (the module checks the vCPU, but memory is whatever the
 * sender says), so a listener open to other machines would take a guest
 * from anyone.  Even on the loopback, any user of this machine may
 * connect first, where a Unix socket is guarded by its file's
 * permissions: TCP is for trying a real migration's socket code on one
 * machine, and HOST must be 127.0.0.1, ::1 or localhost.
 */
struct place {
	struct sockaddr_storage sa;
	socklen_t len;
};

static const char *unix_place(const char *path, struct place *p)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&p->sa;

	if (!*path || strlen(path) >= sizeof(un->sun_path))
		return "a Unix socket's path after unix:, short enough for one";
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, path);
	p->len = sizeof(*un);
	return NULL;
}

/*
 * HOST:PORT, HOST numeric (no name service in a static launcher) or
 * "localhost".  The last colon ends the host, so "::1:4444" works, and
 * so does "[::1]:4444".
 */
static const char *tcp_place(const char *hostport, struct place *p)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&p->sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&p->sa;
	const char *colon = strrchr(hostport, ':');
	size_t len = colon ? colon - hostport : 0;
	unsigned long port;
	char host[INET6_ADDRSTRLEN], *end;

	if (len > 2 && hostport[0] == '[' && hostport[len - 1] == ']') {
		hostport++;
		len -= 2;
	}
	if (!len || len >= sizeof(host))
		return "HOST:PORT after tcp:, as in tcp:127.0.0.1:4444";
	memcpy(host, hostport, len);
	host[len] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (!isdigit((unsigned char)colon[1]) || *end || errno || !port ||
	    port > UINT16_MAX)
		return "a port number from 1 to 65535 after the host";
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		p->len = sizeof(*in4);
		if (ntohl(in4->sin_addr.s_addr) >> IN_CLASSA_NSHIFT ==
		    IN_LOOPBACKNET)
			return NULL;
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		p->len = sizeof(*in6);
		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return NULL;
	} else {
		return "a numeric address (or localhost) before the port";
	}
	return "only a loopback address (127.0.0.1, ::1): the stream is not authenticated";
}

/* NULL once @spec is in *@p, else what is wrong with it. */
static const char *place_of(const char *spec, struct place *p)
{
	memset(p, 0, sizeof(*p));
	if (!strncmp(spec, "unix:", strlen("unix:")))
		return unix_place(spec + strlen("unix:"), p);
	if (!strncmp(spec, "tcp:", strlen("tcp:")))
		return tcp_place(spec + strlen("tcp:"), p);
	return "give unix:PATH or tcp:HOST:PORT";
}

const char *migrate_spec_error(const char *spec)
{
	struct place p;

	return place_of(spec, &p);
}

/* A socket for @p, of its family, closed on exec. */
static int place_socket(const struct place *p)
{
	return socket(p->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/*
 * The last records and the ack are small, and the guest stands still
 * while they travel: TCP must not hold them back to fill a segment.
 */
static void no_delay(int fd, const struct place *p)
{
	const int one = 1;

	if (p->sa.ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void outgoing_setup(const char *save, const char *peer,
		    struct guest_mem *mem)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	mig.save = save;
	mig.peer = peer;
	mig.mem = mem;
	if (!save && !peer)
		return;
	/* No SA_RESTART: the signal must end LIGEIRO_RUN's wait. */
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	/* A peer that goes away is an error to report, not a death. */
	signal(SIGPIPE, SIG_IGN);
}

bool outgoing_ready(void)
{
	return mig.save || mig.peer;
}

static void ticking(bool on)
{
	struct itimerval t = { { 0, on ? TICK_US : 0 }, { 0, on ? TICK_US : 0 } };

	setitimer(ITIMER_REAL, &t, NULL);
}

/*
 * The harvest: into @bitmap (mig.npages bits), every page written since
 * the last harvest.  Those are the module's dirty log (LIGEIRO_GET_DIRTY:
 * the guest's writes and the hypervisor's, every page at the first call)
 * and the pages our devices wrote, which mig.mem->dirty has collected
 * since (vq.c) and which start over from none.  *@count gets the number
 * of pages in @bitmap.  0, or -1 once the ioctl failed (and said why).
 */
static int collect(int vm_fd, uint64_t *bitmap, uint64_t *count)
{
	/* LAB(migrate): begin */
	struct ligeiro_dirty d = { (uintptr_t)bitmap, mig.npages };
	uint64_t i, words = bitmap_words(mig.npages);

	if (ioctl(vm_fd, LIGEIRO_GET_DIRTY, &d) < 0) {
		say("LIGEIRO_GET_DIRTY: %s", strerror(errno));
		return -1;
	}
	*count = 0;
	for (i = 0; i < words; i++) {
		bitmap[i] |= mig.mem->dirty[i];
		mig.mem->dirty[i] = 0;
		*count += __builtin_popcountll(bitmap[i]);
	}
	return 0;
	/* LAB(migrate): end */
}

/* Back to running here alone: no log, no timer, no peer. */
static void stop(int vm_fd, const char *why)
{
	struct ligeiro_dirty off = { 0, 0 };

	ticking(false);
	ioctl(vm_fd, LIGEIRO_GET_DIRTY, &off);
	if (mig.out.fd >= 0)
		close(mig.out.fd);
	mig.out.fd = -1;
	free(mig.todo);
	free(mig.mem->dirty);
	mig.todo = mig.mem->dirty = NULL;
	mig.active = false;
	if (why)
		say("migration failed: %s; the guest goes on here", why);
}

static int start(int vm_fd, const struct ligeiro_create *c)
{
	uint64_t words;
	struct place p;
	int fd;

	mig.npages = c->mem_size / LIGEIRO_PAGE_SIZE;
	words = bitmap_words(mig.npages);
	mig.todo = calloc(words, sizeof(uint64_t));
	mig.mem->dirty = calloc(words, sizeof(uint64_t));
	mig.out = (struct snap_out){ .fd = -1, .what = mig.peer };
	mig.active = true;
	if (!mig.todo || !mig.mem->dirty) {
		stop(vm_fd, "out of memory for the dirty bitmaps");
		return -1;
	}
	place_of(mig.peer, &p);
	fd = place_socket(&p);
	if (fd < 0 || connect(fd, (struct sockaddr *)&p.sa, p.len)) {
		say("cannot connect to %s: %s", mig.peer, strerror(errno));
		if (fd >= 0)
			close(fd);
		stop(vm_fd, "no one to migrate to");
		return -1;
	}
	no_delay(fd, &p);
	mig.out.fd = fd;
	/* The first call logs from now on, and names every page. */
	if (snap_header(&mig.out, c) || collect(vm_fd, mig.todo, &mig.count)) {
		stop(vm_fd, "the stream could not begin");
		return -1;
	}
	mig.round = 0;
	mig.next = mig.sent = mig.done = mig.total = 0;
	mig.t_start = mig.t_round = mig.t_shown = ms_now();
	ticking(true);
	return 0;
}

/* Send the next SLICE_PAGES of this round; *@done once all are sent. */
static int send_slice(const struct ligeiro_create *c, bool *done)
{
	unsigned int n = 0;

	for (; mig.next < mig.npages && n < SLICE_PAGES; mig.next++) {
		if (!bitmap_bit(mig.todo, mig.next))
			continue;
		n++;
		/* Round 0 sends memory as it is; the other side's is zero. */
		if (snap_page(&mig.out, c, mig.next, mig.round == 0, &mig.sent))
			return -1;
	}
	mig.done += n;
	*done = mig.next == mig.npages;
	return 0;
}

/* Stop and copy: the last pages, the vCPU, the devices; then wait. */
static int finish(int vm_fd, const struct ligeiro_create *c)
{
	uint64_t t0 = ms_now(), page, sent = 0;
	char ack = 0;
	ssize_t n;

	ticking(false);
	for (page = 0; page < mig.npages; page++)
		if (bitmap_bit(mig.todo, page) &&
		    snap_page(&mig.out, c, page, false, &sent))
			goto broken;
	if (snap_state(&mig.out, vm_fd))
		goto broken;
	do
		n = read(mig.out.fd, &ack, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || ack != ACK_BYTE) {
		stop(vm_fd, "the other side did not take the guest");
		return -1;
	}
	say("migrated in %u rounds (%llu pages) in %llu ms, downtime %llu ms",
	    mig.round + 1, (unsigned long long)(mig.total + sent),
	    (unsigned long long)(ms_now() - mig.t_start),
	    (unsigned long long)(ms_now() - t0));
	return 0;
broken:
	stop(vm_fd, "the connection broke");
	return -1;
}

/*
 * The pre-copy loop: one turn of a migration under way.  Send the next
 * slice of this round (send_slice()); a round that is not out yet says
 * how far it is every PROGRESS_MS.  Once it is out, harvest what the
 * guest wrote meanwhile into mig.todo, the next round's pages, and print
 * the round's line: its number, the pages it sent, the pages the harvest
 * found, its milliseconds.  Then either start the next round, or, when
 * the harvest is small enough (STOP_PAGES) or the rounds have run out
 * (LIGEIRO_MIGRATE_ROUNDS), stop and copy: finish().  Return -1 to run
 * the guest on here (after a failure, once stop() has ended the
 * migration with its reason), 0 once the guest has left.
 */
static int precopy(int vm_fd, const struct ligeiro_create *c)
{
	/* LAB(migrate): begin */
	bool done;

	if (send_slice(c, &done)) {
		stop(vm_fd, "the connection broke");
		return -1;
	}
	if (!done) {
		if (ms_now() - mig.t_shown >= PROGRESS_MS) {
			say("migrating: round %u, %llu of %llu pages done",
			    mig.round, (unsigned long long)mig.done,
			    (unsigned long long)mig.count);
			mig.t_shown = ms_now();
		}
		return -1;
	}
	/* The round is out: what did the guest write meanwhile? */
	memset(mig.todo, 0, bitmap_words(mig.npages) * sizeof(uint64_t));
	if (collect(vm_fd, mig.todo, &mig.count)) {
		stop(vm_fd, "the dirty log failed");
		return -1;
	}
	say("migrate round %u: %llu pages sent, %llu dirtied, %llu ms",
	    mig.round, (unsigned long long)mig.sent,
	    (unsigned long long)mig.count,
	    (unsigned long long)(ms_now() - mig.t_round));
	mig.total += mig.sent;
	mig.sent = mig.next = mig.done = 0;
	mig.round++;
	mig.t_round = mig.t_shown = ms_now();
	if (mig.count > STOP_PAGES && mig.round < LIGEIRO_MIGRATE_ROUNDS)
		return -1;
	return finish(vm_fd, c);
	/* LAB(migrate): end */
}

int outgoing_tick(int vm_fd, const struct ligeiro_create *c)
{
	if (asked && !mig.active) {
		asked = 0;
		if (mig.save)
			return snap_save(mig.save, vm_fd, c) ? -1 : 0;
		if (mig.peer && start(vm_fd, c))
			return -1;
	}
	if (!mig.active)
		return -1;
	return precopy(vm_fd, c);
}

int incoming_accept(const char *spec)
{
	const int one = 1;
	struct place p;
	int l, fd;

	place_of(spec, &p);
	l = place_socket(&p);
	/* A port that a run just closed can be taken again at once. */
	if (l >= 0 && p.sa.ss_family != AF_UNIX)
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&p.sa, p.len) ||
	    listen(l, 1)) {
		say("cannot listen on %s: %s", spec, strerror(errno));
		if (l >= 0)
			close(l);
		return -1;
	}
	say("waiting for a guest on %s", spec);
	do
		fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		say("accepting on %s: %s", spec, strerror(errno));
	else
		no_delay(fd, &p);
	close(l);
	if (p.sa.ss_family == AF_UNIX)
		unlink(((struct sockaddr_un *)&p.sa)->sun_path);
	return fd;
}

void incoming_ack(int fd)
{
	char ack = ACK_BYTE;

	if (write(fd, &ack, 1) != 1)
		say("telling the sender the guest is here: %s",
		    strerror(errno));
	close(fd);
}
