/*
 * diskread.c - how fast the disk reads: sequential 4 KiB reads over the
 * whole disk, or its first N blocks (diskread=N), timed with the TSC
 * at the rate the kernel knows (SYS_INFO).  Each read is a system call
 * and one virtio request with its interrupt, so this measures the whole
 * path: natively QEMU's device, under ligeiro the launcher's, reached
 * through hypercalls or trapped movs.
 *
 * Book: book/09-virtio.md.  Read rngtest.c next.
 */
#include "ulib.h"

#define BLOCK		4096
#define BLOCK_SECTORS	(BLOCK / DISK_SECTOR_SIZE)

int main(long arg)
{
	long cap = disk_sectors(), blocks = cap / BLOCK_SECTORS, i;
	u64 khz = info(INFO_TSC_KHZ), t0, ticks;
	u8 *buf = sbrk(BLOCK);

	if (arg && arg < blocks)
		blocks = arg;
	if (cap < 0 || blocks <= 0) {
		check(false, "disk.read", "no disk, or less than a block");
		return check_failures();
	}
	t0 = rdtsc();
	for (i = 0; i < blocks; i++)
		if (disk_read(i * BLOCK_SECTORS, buf, BLOCK_SECTORS) !=
		    BLOCK_SECTORS)
			break;
	ticks = rdtsc() - t0 + 1;
	check(i == blocks, "disk.read", "%ld blocks of %d bytes", blocks,
	      BLOCK);
	printf("BENCH disk_read_kib_per_s %lu KiB/s\n",
	       i * (BLOCK / 1024) * khz * 1000 / ticks);
	printf("BENCH disk_read_ops %ld reads\n", i);
	return check_failures();
}
