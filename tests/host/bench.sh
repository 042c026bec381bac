# bench.sh - what `make bench` measures inside the QEMU host.
#
# The guest's own benchmarks (BENCH lines: cycles per system call, page
# fault and context switch, by rdtsc) in pv and in trap mode (those
# renamed trap.*), and the cost of a null hypercall
# round trip: the guest times N NOP hypercalls and the same loop without
# them; the difference over N is the round trip.  Under QEMU's
# `-icount shift=0` the TSC advances one tick per instruction, so these
# are instruction counts (tests/bench.py boots it both ways).
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
ligeiro $G -- bench | grep '^BENCH'
ligeiro --mode=trap $G -- bench | sed -n 's/^BENCH /BENCH trap./p'
# Sequential 4 KiB reads from an 8 MiB disk, through the launcher's device.
dd if=/dev/zero of=/tmp/big.img bs=1024 count=8192 2>/dev/null
ligeiro --disk=/tmp/big.img $G -- diskread | grep '^BENCH'
ligeiro --mode=trap --disk=/tmp/big.img $G -- diskread |
	sed -n 's/^BENCH /BENCH trap./p'
for n in 1000 100000; do
	ligeiro $G -- nops=$n >/tmp/nops.out 2>&1
	result bench.nullcall $? "n=$n"
	line=$(grep "RESULT pv.nops" /tmp/nops.out)
	tsc=$(echo "$line" | sed -n 's/.* tsc=\([0-9]*\).*/\1/p')
	empty=$(echo "$line" | sed -n 's/.* tsc_empty=\([0-9]*\).*/\1/p')
	echo "BENCH hypercall_cycles_n$n $(((tsc - empty) / n)) cycles"
done
finish
