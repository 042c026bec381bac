# bench.sh - what `make bench` measures inside the QEMU host.
#
# The cost of a null hypercall round trip, in instructions.  `make bench`
# boots the host with QEMU_ARGS="-icount shift=0" SMP=1: QEMU then
# advances the TSC by exactly one tick per instruction executed, so the
# guest's rdtsc deltas count instructions (including any host interrupt
# handled meanwhile).  The guest times N NOP hypercalls and the same loop
# without them; the difference over N is the round trip.
. /tests/lib.sh
for n in 1000 10000 100000; do
	ligeiro /guest/ligeiro-guest.elf -- nops=$n >/tmp/nops.out 2>&1
	result bench.nullcall $? "n=$n"
	line=$(grep "RESULT pv.nops" /tmp/nops.out)
	tsc=$(echo "$line" | sed -n 's/.* tsc=\([0-9]*\).*/\1/p')
	empty=$(echo "$line" | sed -n 's/.* tsc_empty=\([0-9]*\).*/\1/p')
	echo "bench: null hypercall round trip: $(((tsc - empty) / n)) instructions" \
	     "(n=$n, loop $tsc, empty loop $empty)"
done
finish
