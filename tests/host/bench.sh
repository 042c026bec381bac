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
# The ablation: each optimisation that has a launcher flag, turned off
# alone, on what it speeds up ("ABLATE flag name value": bench.py's table).
ligeiro --no-fused-switch $G -- bench |
	sed -n 's/^BENCH \(ctx[a-z0-9_]*\) \([0-9]*\).*/ABLATE --no-fused-switch \1 \2/p'
ligeiro --roots=4 $G -- bench |
	sed -n 's/^BENCH \(ctx[a-z0-9_]*\|unmap512[a-z_]*\) \([0-9]*\).*/ABLATE --roots=4 \1 \2/p'
ligeiro --no-prefetch $G -- bench |
	sed -n 's/^BENCH \([a-z0-9_]*\) \([0-9]*\).*/ABLATE --no-prefetch \1 \2/p'
# Sequential 4 KiB reads from an 8 MiB disk, through the launcher's device.
dd if=/dev/zero of=/tmp/big.img bs=1024 count=8192 2>/dev/null
ligeiro --disk=/tmp/big.img $G -- diskread | grep '^BENCH'
ligeiro --no-kick-poll --disk=/tmp/big.img $G -- diskread |
	sed -n 's/^BENCH \([a-z0-9_]*\) \([0-9]*\).*/ABLATE --no-kick-poll \1 \2/p'
ligeiro --mode=trap --disk=/tmp/big.img $G -- diskread |
	sed -n 's/^BENCH /BENCH trap./p'
# nullcall TAG [FLAG]: "TAG hypercall_cycles_nN value" for N = 1000, 100000.
nullcall() {
	for n in 1000 100000; do
		ligeiro $2 $G -- nops=$n >/tmp/nops.out 2>&1
		result bench.nullcall $? "n=$n $2"
		line=$(grep "RESULT pv.nops" /tmp/nops.out)
		tsc=$(echo "$line" | sed -n 's/.* tsc=\([0-9]*\).*/\1/p')
		empty=$(echo "$line" | sed -n 's/.* tsc_empty=\([0-9]*\).*/\1/p')
		echo "$1 hypercall_cycles_n$n $(((tsc - empty) / n)) cycles"
	done
}
nullcall BENCH
nullcall "ABLATE --no-lazy-host" --no-lazy-host
ligeiro --no-lazy-host $G -- bench |
	sed -n 's/^BENCH \([a-z0-9_]*\) \([0-9]*\).*/ABLATE --no-lazy-host \1 \2/p'
# Exits per operation: each loop at two sizes, with --stats; bench.py
# divides the difference of the counters by the difference of sizes, as
# test_trap.py does with trap.sh's identical COST lines.
stat() { sed -n "s/^ligeiro-stats: $1 //p" "$2"; }
for mode in pv trap; do
	for run in sysloop=5000 sysloop=10000 ctxloop=500 ctxloop=1000 \
		   pfloop=500 pfloop=1000; do
		ligeiro --mode=$mode --stats $G -- $run >/tmp/cost.out 2>&1
		result bench.cost.$mode.${run%=*}.${run#*=} $? "$run"
		echo "COST $mode ${run%=*} ${run#*=}" \
		     "entries=$(stat entries /tmp/cost.out)" \
		     "hypercall=$(stat exit.hypercall /tmp/cost.out)" \
		     "emulation=$(stat exit.emulation /tmp/cost.out)"
	done
	# a 4 KiB read; without EVENT_IDX; without the look before the
	# sleep (book/09's table)
	for run in diskread=256 diskread=2048 diskread_noidx=256 \
		   diskread_noidx=2048 diskread_nopoll=256 diskread_nopoll=2048; do
		opt=
		[ ${run%=*} = diskread_noidx ] && opt=--no-event-idx
		[ ${run%=*} = diskread_nopoll ] && opt=--no-kick-poll
		ligeiro --mode=$mode --stats $opt --disk=/tmp/big.img $G -- \
			diskread=${run#*=} >/tmp/cost.out 2>&1
		result bench.cost.$mode.${run%=*}.${run#*=} $? "$run"
		echo "COST $mode ${run%=*} ${run#*=}" \
		     "entries=$(stat entries /tmp/cost.out)" \
		     "hypercall=$(stat exit.hypercall /tmp/cost.out)" \
		     "emulation=$(stat exit.emulation /tmp/cost.out)" \
		     "notifies=$(stat virtio.blk.notifies /tmp/cost.out)" \
		     "interrupts=$(stat virtio.blk.interrupts /tmp/cost.out)"
	done
done
# Creating a guest, by memory size: how long LIGEIRO_CREATE_VM took
# (the launcher's create_ns), "CREATE MiB ns".
for mib in 16 64 256 512; do
	ligeiro --stats --mem=${mib}M $G -- nops=1 >/tmp/create.out 2>&1
	result bench.create.$mib $? "--mem=${mib}M"
	echo "CREATE $mib $(stat create_ns /tmp/create.out)"
done
# Whole runs' counters (book/05 and book/07 quote them): "STATS prog name n".
for prog in hello sysloop ctxloop batch; do
	if [ $prog = hello ]; then
		ligeiro --stats $G >/tmp/prog.out 2>&1
	else
		ligeiro --stats $G -- $prog >/tmp/prog.out 2>&1
	fi
	result bench.stats.$prog $? "$prog"
	sed -n "s/^ligeiro-stats: /STATS $prog /p" /tmp/prog.out
done
finish
