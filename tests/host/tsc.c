// SPDX-License-Identifier: GPL-2.0
/*
 * tsc.c - print the CPU's time-stamp counter, as a decimal number.
 *
 * A guest's clock is its rdtsc less the TSC it read at its own boot
 * (guest/kernel/time.c), and a host's TSC starts again from zero when the
 * host boots.  tests/host/reboot.sh records the TSC when it saves a guest
 * and waits for a TSC in the next boot before it restores it, so it needs
 * the counter itself: the host's uptime starts a varying while after it.
 */
#include <stdio.h>
#include <x86intrin.h>

int main(void)
{
	printf("%llu\n", (unsigned long long)__rdtsc());
	return 0;
}
