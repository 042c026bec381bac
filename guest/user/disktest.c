/*
 * disktest.c - the virtio disk end to end: write, flush, read back.
 *
 * Byte i of sector s gets (s * 31 + i * 7 + 1) & 0xff, a pattern
 * tests/test_native.py computes too: after the run it finds exactly
 * that in the disk image's first N sectors and the rest untouched.  N is
 * DEFAULT_SECTORS, or disktest=N, and the line "DISK pattern sectors=N"
 * tells the test.  Each system call moves up to CHUNK sectors, more than
 * the kernel's one-page requests, so both loops are exercised.  Then the
 * kernel must refuse reads past the end and into kernel memory.
 *
 * Book: book/09-virtio.md.  Read diskread.c next.
 */
#include "ulib.h"

#define DEFAULT_SECTORS	64
#define CHUNK		24
#define KERNEL_ADDR	0x100000	/* the kernel's image */

static u8 pattern(long s, long i)
{
	return (s * 31 + i * 7 + 1) & 0xff;
}

/* Fill buf for sectors [first, first + n), or find the first wrong one. */
static long pattern_sectors(u8 *buf, long first, long n, bool fill)
{
	long s, i;

	for (s = 0; s < n; s++) {
		for (i = 0; i < DISK_SECTOR_SIZE; i++) {
			u8 *p = &buf[s * DISK_SECTOR_SIZE + i];

			if (fill)
				*p = pattern(first + s, i);
			else if (*p != pattern(first + s, i))
				return first + s;
		}
	}
	return -1;
}

int main(long arg)
{
	long n = arg ? arg : DEFAULT_SECTORS, cap = disk_sectors(), s, k;
	u8 *buf = sbrk(CHUNK * DISK_SECTOR_SIZE);
	long bad = -1;
	bool ok;

	if (cap < n) {
		check(false, "disk.write", "%ld sectors wanted, disk has %ld",
		      n, cap);
		return check_failures();
	}
	printf("DISK pattern sectors=%ld\n", n);
	for (ok = true, s = 0; ok && s < n; s += k) {
		k = n - s < CHUNK ? n - s : CHUNK;
		pattern_sectors(buf, s, k, true);
		ok = disk_write(s, buf, k) == k;
	}
	check(ok, "disk.write", "the pattern in %ld sectors", n);
	check(disk_flush() == 0, "disk.flush", "after the writes");
	for (ok = true, s = 0; ok && s < n; s += k) {
		k = n - s < CHUNK ? n - s : CHUNK;
		memset(buf, 0, k * DISK_SECTOR_SIZE);
		ok = disk_read(s, buf, k) == k &&
		     (bad = pattern_sectors(buf, s, k, false)) < 0;
	}
	if (bad >= 0)
		check(false, "disk.readback", "sector %ld is wrong", bad);
	else
		check(ok, "disk.readback", "%ld sectors as written", n);
	check(disk_read(cap - 1, buf, 1) == 1 && disk_read(cap, buf, 1) == -1 &&
	      disk_read(cap - 1, buf, 2) == -1 &&
	      disk_read(0, KERNEL_ADDR, 1) == -1, "disk.bounds",
	      "the last sector reads; past it or into the kernel, no");
	return check_failures();
}
