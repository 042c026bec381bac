/*
 * rngtest.c - the virtio entropy device: two reads of random bytes must
 * not be the same, nor all one value; and the kernel must refuse to
 * write them into its own memory.
 *
 * Book: book/09-virtio.md.  Read count.c next.
 */
#include "ulib.h"

#define BYTES		64
#define KERNEL_ADDR	0x100000	/* the kernel's image */

int main(long arg)
{
	u8 a[BYTES], b[BYTES];
	bool same = true, flat = true;
	long got, i;

	(void)arg;
	got = getrandom(a, BYTES);
	if (got == BYTES)
		got = getrandom(b, BYTES);
	for (i = 0; i < BYTES; i++) {
		same = same && a[i] == b[i];
		flat = flat && a[i] == a[0];
	}
	if (got != BYTES)
		check(false, "rng.read", "getrandom returned %ld", got);
	else
		check(!same && !flat && getrandom(KERNEL_ADDR, BYTES) == -1,
		      "rng.read", "two reads of %d bytes differ", BYTES);
	return check_failures();
}
