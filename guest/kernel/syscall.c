/*
 * syscall.c - what a process may ask of the kernel: `int $0x80`.
 *
 * The gate is a trap gate with DPL 3 (trap.c), the one IDT entry ring 3
 * may use.  Under ligeiro the hypervisor makes that same entry a real
 * gate of its own IDT, so a system call reaches our ring-1 kernel with no
 * exit at all; natively it is an ordinary trap.  Either way the process's
 * registers are in the frame (usys.h has the convention), and the result
 * goes back in %rax.
 *
 * Every pointer is the process's word, not fact: it must lie in user
 * space, or the call fails with -1.  There the kernel just uses it: an
 * untouched heap or stack page is mapped by the page-fault handler, and
 * an address the process has no right to gets it killed, as if it had
 * touched it itself.  Under ligeiro a user address is not guest-physical,
 * so console text goes through a kernel buffer to pv_ops.console_write.
 * Devices need physical addresses even natively, so disk sectors and
 * random bytes go through a kernel page, bounce, one request at a time.
 *
 * Book: book/02-guest.md, "System calls".  Read programs.S next.
 */
#include "boot/layout.h"
#include "drivers/virtio.h"
#include "kernel/page.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/usys.h"
#include "lib/lib.h"
#include "pvops/pvops.h"

#define NAME_MAX	16

_Static_assert(DISK_SECTOR_SIZE == VIRTIO_BLK_SECTOR_SIZE,
	       "usys.h's sectors are the block device's");
_Static_assert(MODE_NATIVE == GUEST_NATIVE && MODE_PV == GUEST_PV &&
	       MODE_TRAP == GUEST_TRAP, "usys.h's modes are pvops.h's");

/* The kernel is not preemptible: one system call at a time uses it. */
static u8 bounce[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static bool user_range(u64 addr, u64 len)
{
	return addr >= USER_BASE && addr <= USER_END &&
	       len <= USER_END - addr;
}

static s64 sys_write(u64 buf, u64 len)
{
	char chunk[128];
	u64 done, n;

	if (!user_range(buf, len))
		return -1;
	for (done = 0; done < len; done += n) {
		n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		memcpy(chunk, (const char *)(buf + done), n);
		pv_ops.console_write(chunk, n);
	}
	return len;
}

/*
 * One byte at a time, looking for one each tick (COM1 is polled, a
 * virtio console's interrupt fills a ring): enough for a shell.
 */
static s64 sys_read(u64 buf, u64 len)
{
	int c;

	if (!len || !user_range(buf, len) || !console_has_input())
		return -1;
	while ((c = console_getc()) < 0)
		proc_sleep(0);
	*(char *)buf = c;
	return 1;
}

static s64 sys_spawn(u64 name, u64 arg)
{
	char kname[NAME_MAX];
	unsigned int i;

	for (i = 0; i < NAME_MAX; i++) {
		if (!user_range(name + i, 1))
			return -1;
		kname[i] = *(const char *)(name + i);
		if (!kname[i])
			return proc_spawn(kname, arg);
	}
	return -1;
}

/* The names, space-separated, NUL-terminated; -1 if they do not fit. */
static s64 sys_programs(u64 buf, u64 len)
{
	const struct program *prog;
	char *p = (char *)buf;
	u64 n, used = 0;

	if (!user_range(buf, len))
		return -1;
	for (prog = programs; prog->name; prog++) {
		n = strlen(prog->name);
		if (used + n + 1 > len)
			return -1;
		if (used)
			p[used - 1] = ' ';
		memcpy(p + used, prog->name, n + 1);
		used += n + 1;
	}
	return used;
}

/* The whole range must be on the disk before any of it is touched. */
static s64 sys_disk_rw(bool write, u64 sector, u64 buf, u64 count)
{
	s64 cap = blk_sectors();
	u64 done, n, bytes;
	u8 *ubuf;

	if (cap < 0 || sector > (u64)cap || count > (u64)cap - sector ||
	    count > USER_END / DISK_SECTOR_SIZE ||
	    !user_range(buf, count * DISK_SECTOR_SIZE))
		return -1;
	for (done = 0; done < count; done += n) {
		n = count - done < BLK_MAX_SECTORS ? count - done :
						     BLK_MAX_SECTORS;
		bytes = n * DISK_SECTOR_SIZE;
		ubuf = (u8 *)buf + done * DISK_SECTOR_SIZE;
		if (write)
			memcpy(bounce, ubuf, bytes);
		if (blk_rw(write, sector + done, bounce, n))
			return -1;
		if (!write)
			memcpy(ubuf, bounce, bytes);
	}
	return count;
}

static s64 sys_getrandom(u64 buf, u64 len)
{
	u64 done;
	s64 got;

	if (!user_range(buf, len))
		return -1;
	for (done = 0; done < len; done += got) {
		got = rng_read(bounce, len - done < sizeof(bounce) ?
				       len - done : sizeof(bounce));
		if (got < 0)
			return -1;
		memcpy((u8 *)buf + done, bounce, got);
	}
	return len;
}

static s64 sys_info(u64 what)
{
	switch (what) {
	case INFO_CLOCK_NS:
		return time_ns();
	case INFO_SWITCHES:
		return proc_switches();
	case INFO_FREE_PAGES:
		return page_free_count();
	case INFO_TSC_KHZ:
		return pv_ops.tsc_khz();
	case INFO_MODE:
		return guest_mode;
	case INFO_KILL_ERROR:
		return trap_last_kill()->error;
	case INFO_KILL_RIP:
		return trap_last_kill()->rip;
	}
	return -1;
}

static s64 dispatch(u64 nr, u64 a0, u64 a1, u64 a2)
{
	switch (nr) {
	case SYS_WRITE:
		return sys_write(a0, a1);
	case SYS_EXIT:
		proc_exit(a0 & 0xff);
	case SYS_SPAWN:
		return sys_spawn(a0, a1);
	case SYS_WAIT:
		return proc_wait(a0);
	case SYS_YIELD:
		proc_yield();
		return 0;
	case SYS_GETPID:
		return current->pid;
	case SYS_SLEEP:
		proc_sleep(a0);
		return 0;
	case SYS_SBRK:
		return proc_sbrk(a0);
	case SYS_READ:
		return sys_read(a0, a1);
	case SYS_INFO:
		return sys_info(a0);
	case SYS_PROGRAMS:
		return sys_programs(a0, a1);
	case SYS_DISK_READ:
		return sys_disk_rw(false, a0, a1, a2);
	case SYS_DISK_WRITE:
		return sys_disk_rw(true, a0, a1, a2);
	case SYS_DISK_FLUSH:
		return blk_flush();
	case SYS_DISK_SECTORS:
		return blk_sectors();
	case SYS_GETRANDOM:
		return sys_getrandom(a0, a1);
	}
	return -1;
}

/* Carry out the system call in tf; %rax gets the result. */
void syscall(struct trap_frame *tf)
{
	tf->rax = dispatch(tf->rax, tf->rdi, tf->rsi, tf->rdx);
}
