/*
 * count.c - count from 1 to N (count=N, or `count N` in the shell),
 * slowly, keeping the count on the disk.
 *
 * Each step prints "count K", writes K as a decimal line at the start of
 * sector 0 (zeros after it), flushes, and sleeps STEP_MS.  So a test has
 * time to stop the guest between two steps, save it or move it to
 * another launcher, and see it go on from the next number; the sleep
 * leaves the guest halted on its timer most of the time, the state a
 * save must catch too.  At the end the program reads sector 0 back:
 * "RESULT count PASS" if it holds N, which it does only if the writes
 * made before the guest moved and those made after reached one disk.
 * tests/host/migrate.sh reads the sector from the image as well.
 *
 * Book: book/09-virtio.md, "The launcher's devices".  Read writer.c next.
 */
#include "ulib.h"

#define DEFAULT_COUNT	10
#define STEP_MS		50
#define DIGITS		20	/* enough for any u64 */

/* "K\n" into a zeroed sector. */
static void put_count(u8 *sector, u64 k)
{
	char digits[DIGITS];
	long n = 0, i = 0;

	memset(sector, 0, DISK_SECTOR_SIZE);
	do {
		digits[n++] = '0' + k % 10;
		k /= 10;
	} while (k);
	while (n)
		sector[i++] = digits[--n];
	sector[i] = '\n';
}

/* The number at the start of a sector, or -1 if it does not hold one. */
static long get_count(const u8 *sector)
{
	long k = 0, i;

	for (i = 0; i < DIGITS && sector[i] >= '0' && sector[i] <= '9'; i++)
		k = k * 10 + sector[i] - '0';
	return i && sector[i] == '\n' ? k : -1;
}

int main(long arg)
{
	long n = arg > 0 ? arg : DEFAULT_COUNT, k, got;
	u8 *sector = sbrk(DISK_SECTOR_SIZE);

	if (disk_sectors() < 1) {
		check(false, "count", "no disk to keep the count on");
		return check_failures();
	}
	for (k = 1; k <= n; k++) {
		printf("count %ld\n", k);
		put_count(sector, k);
		if (disk_write(0, sector, 1) != 1 || disk_flush() != 0) {
			check(false, "count", "the disk refused count %ld", k);
			return check_failures();
		}
		sleep(STEP_MS);
	}
	memset(sector, 0, DISK_SECTOR_SIZE);
	got = disk_read(0, sector, 1) == 1 ? get_count(sector) : -1;
	if (got == n)
		check(true, "count", "%ld on the disk", n);
	else
		check(false, "count", "%ld counted, the disk holds %ld", n, got);
	return check_failures();
}
