// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the launcher: command line, guest image, device, in that order.
 *
 * A guest under ligeiro is started by an ordinary program, as under lguest:
 * the launcher reads the guest kernel, lays it out in a block of its own
 * memory (which becomes the guest's "physical" memory), leaves it a boot
 * block saying how much memory it has and what its command line is, and
 * then asks ligeiro.ko, through /dev/ligeiro, to run it.
 *
 * The order matters.  Mistakes on the command line are reported before any
 * file is opened; a bad guest image is reported before the module is
 * touched, so a broken build can be diagnosed on a machine without the
 * module.  Each kind of failure has its own exit status, from ligeiro.h,
 * so scripts and tests can tell them apart.  The devices' files (--disk,
 * /dev/urandom) are opened after the guest image is checked, and a disk
 * the launcher cannot use counts as a mistake on the command line.
 *
 * The book tells this story in "The launcher" (book/03-launcher.md), and
 * the devices' in book/09-virtio.md.  Read elf.h next.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ligeiro.h>
#include "devices.h"
#include "elf.h"
#include "migrate.h"
#include "run.h"
#include "snapshot.h"

#define PROG		"ligeiro"

/* Guest memory is handed out in whole pages of the ABI's size. */
#define GUEST_PAGE_SIZE	((unsigned long long)LIGEIRO_PAGE_SIZE)

/*
 * Bounds on --mem.  The guest is linked at 1 MiB, so below 2 MiB there is
 * no room for its image, stack and page tables.  Guest memory must end
 * where the devices' register window starts (ligeiro.h), which is also
 * below the 4 GiB the guest identity-maps (guest/boot/layout.h); the cap also
 * stops a typo (--mem=64G for 64M) from reserving that much of the host.
 */
#define MEM_MIN		(2ull << 20)
#define MEM_MAX		((unsigned long long)LIGEIRO_MMIO_BASE)
#define MEM_DEFAULT	(64ull << 20)

/* What the command line asked for. */
struct options {
	bool help, version, stats;
	uint32_t mode;		/* LIGEIRO_MODE_* */
	uint32_t roots;		/* --roots: 0 for the module's default */
	uint32_t boot_flags;	/* LIGEIRO_BOOT_*: --no-fused-switch, ... */
	uint32_t create_flags;	/* LIGEIRO_CREATE_*: --no-prefetch, ... */
	uint64_t mem_size;
	const char *guest;
	char cmdline[LIGEIRO_CMDLINE_MAX];	/* the words after "--" */
	bool machine;		/* an option that shapes a new machine */
	const char *save, *migrate;	/* --save=FILE, --migrate=PLACE */
	const char *restore, *incoming;	/* --restore=FILE, --incoming=... */
	struct devices_options dev;
};

/* Every message is one line starting "ligeiro: ", on stderr. */
static void vsay(const char *fmt, va_list ap)
{
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* A usage error also points at --help; it returns the exit status. */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	fputs("Try '" PROG " --help' for more information.\n", stderr);
	return LIGEIRO_EXIT_USAGE;
}

static void print_help(void)
{
	printf("usage: " PROG " [OPTIONS] GUEST.elf [-- ARGS...]\n"
	       "Run GUEST.elf, an x86-64 ELF kernel, as a guest of ligeiro.ko.\n"
	       "\n"
	       "  --mode=pv|trap  paravirtualized (pv, default) or trap-and-emulate guest\n"
	       "  --mem=SIZE      guest memory in bytes, or with a K, M or G suffix;\n"
	       "                  whole %lluK pages from %lluM to %lluM (default %lluM)\n"
	       "  --disk=FILE     a virtio block device reading and writing FILE, whose\n"
	       "                  size must be a whole number of 512-byte sectors\n"
	       "  --disk-ro       make that disk read-only: the guest's writes fail\n"
	       "  --no-event-idx  do not offer virtio's event index to the guest\n"
	       "  --roots=N       keep the shadow tables of N address spaces,\n"
	       "                  1 to %d (default %d)\n"
	       "  --no-fused-switch  a pv context switch in two hypercalls, not one\n"
	       "  --no-prefetch   shadow only the page that faulted, not its neighbours\n"
	       "  --no-kick-poll  the disk driver sleeps for each completion, not looks first\n"
	       "  --no-lazy-host  save host state and switch MSRs at every world switch\n"
	       "  --no-fast-cr3   every context switch exits, even to a cached root\n"
	       "  --save=FILE     on SIGUSR1 or Ctrl-] s, save the guest to FILE and exit\n"
	       "  --migrate=PLACE on SIGUSR1 or Ctrl-] s, move the guest live to the\n"
	       "                  launcher waiting with --incoming=PLACE, and exit;\n"
	       "                  PLACE is unix:PATH or tcp:HOST:PORT (loopback only)\n"
	       "  --restore=FILE  go on with the guest saved in FILE (no GUEST.elf)\n"
	       "  --incoming=PLACE  wait at PLACE for a migrating guest and run it\n"
	       "  --stats         print statistics when the guest stops\n"
	       "  --help          print this help\n"
	       "  --version       print the launcher's and the module's ABI version\n"
	       "ARGS after -- are the guest's command line (at most %d bytes).\n"
	       "\n"
	       "Exit status: the guest's own 0..%d when it shuts down, or\n"
	       "%d usage error, %d bad guest image, %d no usable %s,\n"
	       "%d launcher failure, %d guest killed by the hypervisor.\n",
	       GUEST_PAGE_SIZE >> 10, MEM_MIN >> 20, MEM_MAX >> 20,
	       MEM_DEFAULT >> 20, LIGEIRO_ROOTS_MAX, LIGEIRO_ROOTS_DEFAULT,
	       LIGEIRO_CMDLINE_MAX - 1,
	       LIGEIRO_EXIT_GUEST_MAX, LIGEIRO_EXIT_USAGE,
	       LIGEIRO_EXIT_BADIMAGE, LIGEIRO_EXIT_NODEV, DEV_PATH,
	       LIGEIRO_EXIT_INTERNAL, LIGEIRO_EXIT_KILLED);
}

/* --version works without the module; the module's answer is a bonus. */
static int print_version(void)
{
	int fd, version;

	printf(PROG " launcher: ABI version %d\n", LIGEIRO_ABI_VERSION);
	fd = dev_open(&version);
	if (fd < 0) {
		printf("ligeiro.ko: unavailable (%s: %s)\n", DEV_PATH,
		       strerror(-fd));
		return 0;
	}
	printf("ligeiro.ko: ABI version %d%s\n", version,
	       version == LIGEIRO_ABI_VERSION ? "" : " (mismatch)");
	close(fd);
	return 0;
}

/* The K, M or G after a size, as a shift; -1 for anything else. */
static int suffix_shift(const char *suffix)
{
	if (!*suffix)
		return 0;
	if (suffix[1])
		return -1;
	switch (toupper((unsigned char)*suffix)) {
	case 'K':
		return 10;
	case 'M':
		return 20;
	case 'G':
		return 30;
	}
	return -1;
}

/* "64M", "2048K", "1G" or plain bytes; whole pages, within the bounds. */
static int parse_mem(const char *s, uint64_t *bytes)
{
	unsigned long long n;
	char *end;
	int shift;

	if (!isdigit((unsigned char)*s))
		return usage_error("--mem=%s: not a size (try --mem=64M)", s);
	errno = 0;
	n = strtoull(s, &end, 10);
	shift = suffix_shift(end);
	if (shift < 0)
		return usage_error("--mem=%s: unknown suffix (use K, M or G)", s);
	if (errno == ERANGE || n > (MEM_MAX >> shift))
		return usage_error("--mem=%s: more than the maximum %lluM, where the devices' registers start",
				   s, MEM_MAX >> 20);
	n <<= shift;
	if (n < MEM_MIN)
		return usage_error("--mem=%s: less than the minimum %lluM",
				   s, MEM_MIN >> 20);
	if (n % GUEST_PAGE_SIZE)
		return usage_error("--mem=%s: not a whole number of %lluK pages",
				   s, GUEST_PAGE_SIZE >> 10);
	*bytes = n;
	return 0;
}

static int parse_roots(const char *s, uint32_t *roots)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || errno || n < 1 ||
	    n > LIGEIRO_ROOTS_MAX)
		return usage_error("--roots=%s: not a number from 1 to %d",
				   s, LIGEIRO_ROOTS_MAX);
	*roots = n;
	return 0;
}

/* "--mem=64M" with name "--mem" gives "64M"; anything else gives NULL. */
static const char *value_of(const char *arg, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(arg, name, len) || arg[len] != '=')
		return NULL;
	return arg + len + 1;
}

static int parse_mode(const char *s, uint32_t *mode)
{
	if (!strcmp(s, "pv"))
		*mode = LIGEIRO_MODE_PV;
	else if (!strcmp(s, "trap"))
		*mode = LIGEIRO_MODE_TRAP;
	else
		return usage_error("--mode=%s: unknown mode (use pv or trap)", s);
	return 0;
}

static int parse_option(const char *arg, struct options *o)
{
	const char *v, *why;

	if (!strcmp(arg, "--help")) {
		o->help = true;
	} else if (!strcmp(arg, "--version")) {
		o->version = true;
	} else if (!strcmp(arg, "--stats")) {
		o->stats = true;
	} else if ((v = value_of(arg, "--mem"))) {
		o->machine = true;
		return parse_mem(v, &o->mem_size);
	} else if ((v = value_of(arg, "--mode"))) {
		o->machine = true;
		return parse_mode(v, &o->mode);
	} else if ((v = value_of(arg, "--save")) ||
		   (v = value_of(arg, "--restore"))) {
		if (!*v)
			return usage_error("%.9s needs a file name", arg);
		*(arg[2] == 's' ? &o->save : &o->restore) = v;
	} else if ((v = value_of(arg, "--migrate")) ||
		   (v = value_of(arg, "--incoming"))) {
		why = migrate_spec_error(v);
		if (why)
			return usage_error("%s: %s", arg, why);
		*(arg[2] == 'm' ? &o->migrate : &o->incoming) = v;
	} else if ((v = value_of(arg, "--disk"))) {
		if (!*v)
			return usage_error("--disk= needs a file name");
		o->dev.disk = v;
	} else if (!strcmp(arg, "--disk-ro")) {
		o->dev.disk_ro = true;
	} else if (!strcmp(arg, "--no-event-idx")) {
		o->dev.no_event_idx = true;
	} else if ((v = value_of(arg, "--roots"))) {
		o->machine = true;
		return parse_roots(v, &o->roots);
	} else if (!strcmp(arg, "--no-fused-switch")) {
		o->machine = true;
		o->boot_flags |= LIGEIRO_BOOT_NO_FUSED_SWITCH;
	} else if (!strcmp(arg, "--no-kick-poll")) {
		o->machine = true;
		o->boot_flags |= LIGEIRO_BOOT_NO_KICK_POLL;
	} else if (!strcmp(arg, "--no-prefetch")) {
		o->machine = true;
		o->create_flags |= LIGEIRO_CREATE_NO_PREFETCH;
	} else if (!strcmp(arg, "--no-lazy-host")) {
		o->machine = true;
		o->create_flags |= LIGEIRO_CREATE_NO_LAZY_HOST;
	} else if (!strcmp(arg, "--no-fast-cr3")) {
		o->machine = true;
		o->create_flags |= LIGEIRO_CREATE_NO_FAST_CR3;
	} else if (!strcmp(arg, "--mem") || !strcmp(arg, "--mode") ||
		   !strcmp(arg, "--disk") || !strcmp(arg, "--roots") ||
		   !strcmp(arg, "--save") || !strcmp(arg, "--restore") ||
		   !strcmp(arg, "--migrate") || !strcmp(arg, "--incoming")) {
		return usage_error("%s needs a value, as in %s=...", arg, arg);
	} else {
		return usage_error("unknown option '%s'", arg);
	}
	return 0;
}

/*
 * The words after "--", joined by single spaces into the boot block's
 * command line.  Each step checks that the space, the word and the final
 * NUL still fit in what is left.
 */
static int join_cmdline(char **words, int n, char *buf)
{
	size_t len = 0, w;
	int i;

	for (i = 0; i < n; i++) {
		w = strlen(words[i]);
		if (w + (i > 0) >= LIGEIRO_CMDLINE_MAX - len)
			return usage_error("the guest's command line is longer than %d bytes",
					   LIGEIRO_CMDLINE_MAX - 1);
		if (i > 0)
			buf[len++] = ' ';
		memcpy(buf + len, words[i], w + 1);
		len += w;
	}
	return 0;
}

/*
 * A saved or arriving guest brings its machine along: memory, mode and
 * the rest come from it, and a guest image or guest words cannot apply.
 */
static int check_resume(const struct options *o)
{
	const char *opt = o->restore ? "--restore" : "--incoming";

	if (o->restore && o->incoming)
		return usage_error("--restore and --incoming: one guest at a time");
	if (o->guest || o->cmdline[0])
		return usage_error("%s takes no guest image or guest words: the guest comes with its state",
				   opt);
	if (o->machine)
		return usage_error("%s: memory, mode and the --no-... options come from the saved guest",
				   opt);
	if (o->save && o->migrate)
		return usage_error("--save and --migrate: choose one");
	if (o->dev.disk_ro && !o->dev.disk)
		return usage_error("--disk-ro without --disk=FILE");
	return 0;
}

/* Options, then one GUEST.elf, then optionally "--" and the guest's words. */
static int parse_args(int argc, char **argv, struct options *o)
{
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--")) {
			ret = join_cmdline(argv + i + 1, argc - i - 1,
					   o->cmdline);
			if (ret)
				return ret;
			break;
		}
		if (arg[0] == '-') {
			ret = parse_option(arg, o);
			if (ret)
				return ret;
		} else if (o->guest) {
			return usage_error("two guest images, '%s' and '%s' (guest arguments go after --)",
					   o->guest, arg);
		} else {
			o->guest = arg;
		}
	}
	if (o->restore || o->incoming)
		return check_resume(o);
	if (!o->guest && !o->help && !o->version)
		return usage_error("no guest image given");
	if (o->dev.disk_ro && !o->dev.disk)
		return usage_error("--disk-ro without --disk=FILE");
	if (o->save && o->migrate)
		return usage_error("--save and --migrate: choose one");
	return 0;
}

/* The whole guest file in one malloc()ed buffer, for elf_check(). */
static int read_image(const char *path, unsigned char **buf, size_t *size)
{
	struct stat st;
	size_t done = 0;
	ssize_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("%s: %s", path, strerror(errno));
		return LIGEIRO_EXIT_BADIMAGE;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		say("%s: not a regular file", path);
		close(fd);
		return LIGEIRO_EXIT_BADIMAGE;
	}
	*size = st.st_size;
	*buf = malloc(*size + 1);	/* + 1: an empty file is fine */
	if (!*buf) {
		say("%s: no memory to read %zu bytes", path, *size);
		close(fd);
		return LIGEIRO_EXIT_INTERNAL;
	}
	while (done < *size) {
		n = read(fd, *buf + done, *size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	if (done < *size) {
		say("%s: %s", path,
		    n < 0 ? strerror(errno) : "file shrank while being read");
		free(*buf);
		return LIGEIRO_EXIT_BADIMAGE;
	}
	return 0;
}

/* elf_check() reports through here: one line per problem. */
static void report_problem(void *path, unsigned int problem, const char *msg)
{
	(void)problem;
	say("%s: %s", (const char *)path, msg);
}

/*
 * Read, check and load the guest into fresh anonymous guest memory, then
 * put the boot block on the first page after the guest's image: the guest
 * knows where its own image ends, so it needs no memory map to find it.
 * The block says how much memory there is, which mode the guest runs in
 * and what its command line is.
 */
static int load_guest(const struct options *o, struct ligeiro_create *c)
{
	struct ligeiro_boot *boot;
	struct elf_guest guest;
	unsigned char *image;
	uint64_t gpa;
	size_t size;
	void *mem;
	int ret;

	ret = read_image(o->guest, &image, &size);
	if (ret)
		return ret;
	ret = LIGEIRO_EXIT_BADIMAGE;
	if (elf_check(image, size, o->mem_size, &guest, report_problem,
		      (void *)o->guest))
		goto out;
	/* guest.end <= mem_size <= 4 GiB, so the rounding cannot wrap. */
	gpa = (guest.end + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1);
	if (gpa > o->mem_size || sizeof(*boot) > o->mem_size - gpa) {
		say("%s: no room for the boot block at %#" PRIx64 " in %" PRIu64
		    "K of guest memory (try a larger --mem)",
		    o->guest, gpa, o->mem_size >> 10);
		goto out;
	}

	ret = LIGEIRO_EXIT_INTERNAL;
	mem = mmap(NULL, o->mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		say("cannot map %" PRIu64 " bytes of guest memory: %s",
		    o->mem_size, strerror(errno));
		goto out;
	}
	elf_load(image, mem);
	boot = (struct ligeiro_boot *)((unsigned char *)mem + gpa);
	boot->mem_size = o->mem_size;
	/* The guest keeps its native pv_ops in trap mode: it must know. */
	boot->mode = o->mode;
	boot->flags = o->boot_flags;
	memcpy(boot->cmdline, o->cmdline, sizeof(boot->cmdline));

	c->mem_addr = (uintptr_t)mem;
	c->mem_size = o->mem_size;
	c->entry = guest.entry;
	c->boot_gpa = gpa;
	c->mode = o->mode;
	c->roots = o->roots;
	c->flags = o->create_flags;
	ret = 0;
out:
	free(image);
	return ret;
}

/*
 * --restore, --incoming: read the saved guest whole (nothing is loaded
 * unless all of it checks out), give it this launcher's devices, and run
 * it from where it stood.  A migrating guest gets its VM as soon as the
 * header says how large it is: LIGEIRO_CREATE_VM pins the memory, which
 * would otherwise be most of the downtime.  A file has no downtime, so
 * it is checked whole first, and a damaged one is reported as such even
 * where the module is missing.
 */
static int resume_guest(const struct options *o)
{
	static struct snap_in in;
	const char *what = o->restore ? o->restore : o->incoming;
	struct resume resume = { &in.vcpu, -1 };
	struct guest_mem mem = { 0 };
	int fd, vm = -1, ret;

	fd = o->restore ? open(o->restore, O_RDONLY | O_CLOEXEC) :
	     incoming_accept(o->incoming);
	if (fd < 0 && o->restore)
		say("cannot open %s: %s", o->restore, strerror(errno));
	if (fd < 0)
		return LIGEIRO_EXIT_USAGE;
	ret = snap_begin(fd, what, &in);
	if (!ret && o->incoming)
		ret = create_vm(&in.create, &vm);
	if (!ret)
		ret = snap_finish(fd, what, &in);
	if (o->restore)
		close(fd);
	else
		resume.ack_fd = fd;
	if (!ret && vm < 0)
		ret = create_vm(&in.create, &vm);
	mem.base = (unsigned char *)(uintptr_t)in.create.mem_addr;
	mem.size = in.create.mem_size;
	if (!ret)
		ret = devices_setup(&o->dev, &mem);
	if (!ret && devices_load(&in.devices))
		ret = LIGEIRO_EXIT_BADIMAGE;
	if (ret) {
		/* A VM that never got its vCPU has run nothing: close it. */
		if (vm >= 0)
			close(vm);
		return ret;
	}
	say("%s: %llu pages of memory, the vCPU and the devices loaded",
	    what, (unsigned long long)in.pages);
	outgoing_setup(o->save, o->migrate, &mem);
	return run_vm(vm, &in.create, &resume, o->stats);
}

int main(int argc, char **argv)
{
	struct options o = { .mode = LIGEIRO_MODE_PV, .mem_size = MEM_DEFAULT };
	struct ligeiro_create create = { 0 };
	struct guest_mem mem = { 0 };
	int vm, ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	if (o.help) {
		print_help();
		return 0;
	}
	if (o.version)
		return print_version();

	if (o.restore || o.incoming)
		return resume_guest(&o);
	ret = load_guest(&o, &create);
	if (ret)
		return ret;
	mem.base = (unsigned char *)(uintptr_t)create.mem_addr;
	mem.size = create.mem_size;
	ret = devices_setup(&o.dev, &mem);
	if (ret)
		return ret;
	ret = create_vm(&create, &vm);
	if (ret)
		return ret;
	outgoing_setup(o.save, o.migrate, &mem);
	return run_vm(vm, &create, NULL, o.stats);
}
