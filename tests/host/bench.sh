# bench.sh - what `make bench` measures inside the QEMU host.
#
# The guest's own benchmarks (BENCH lines: cycles per system call, page
# fault and context switch, by rdtsc) in pv and in trap mode (those
# renamed trap.*), and the cost of a null hypercall
# round trip: the guest times N NOP hypercalls and the same loop without
# them; the difference over N is the round trip.  Under QEMU's
# `-icount shift=0` the TSC advances one tick per instruction, so these
# are instruction counts (tests/bench.py boots it both ways).  With
# lgbench=migrate it times live migrations instead, and nothing else.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
# Live migration (book/17, "Measured"): the guest moved by pre-copy over
# a Unix socket while it runs writer=RATE (guest/user/writer.c: RATE MiB
# of pages dirtied a second; 0 is the idle guest), MIG_SETTLE_MS after it
# started writing.  One "MIGRATE workload=W rate=R rounds=N pages=P
# total_ms=T downtime_ms=D per_round=a,b,.. dirtied=a,b,.. round_ms=a,b,..
# kib_s=K" line each: the launcher's figures (migrate.c) and the rate the
# writer really kept (its RESULT line, at the destination).  Times are
# the host's wall clock, so bench.py runs them in a boot of their own under
# TCG, with lgbench=migrate on the kernel's command line, and only them:
# under -icount a host millisecond is a million instructions, and each
# run would take minutes.
MIG_RATES="0 8 32"
MIG_SETTLE_MS=500
MIG_SOCK=/tmp/bench.sock
MIG_WAIT_S=120		# a launcher still there after this is killed
# alive PID: there and not a zombie; reap PID: its status once it ends.
alive() { kill -0 "$1" 2>/dev/null &&
	[ "$(cut -d' ' -f3 /proc/"$1"/stat 2>/dev/null)" != Z ]; }
reap() {
	n=0
	while alive "$1" && [ $n -lt $((MIG_WAIT_S * 20)) ]; do
		usleep 50000
		n=$((n + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1"
}
# The round lines' figures, column N (1 sent, 2 dirtied, 3 ms), as a,b,c.
per_round() { sed -En 's/.*ligeiro: migrate round [0-9]+: ([0-9]+) pages sent, ([0-9]+) dirtied, ([0-9]+) ms.*/\1 \2 \3/p' \
	/tmp/msrc.out | awk -v n=$1 '{ printf "%s%s", (NR > 1 ? "," : ""), $n }'; }
migrate_bench() {
	for rate in $MIG_RATES; do
		workload=writer$rate
		[ $rate = 0 ] && workload=idle
		rm -f $MIG_SOCK
		ligeiro --incoming=unix:$MIG_SOCK >/tmp/mdst.out 2>&1 &
		dst=$!
		wait_for "waiting for a guest" /tmp/mdst.out
		ligeiro --migrate=unix:$MIG_SOCK $G -- writer=$rate \
			>/tmp/msrc.out 2>&1 &
		src=$!
		wait_for '^writer: ' /tmp/msrc.out
		usleep $((MIG_SETTLE_MS * 1000))
		kill -USR1 $src
		reap $src
		ss=$?
		reap $dst
		ds=$?
		sed "s/^/[mig.$workload\/src] /" /tmp/msrc.out
		sed "s/^/[mig.$workload\/dst] /" /tmp/mdst.out
		fin=$(grep -o 'ligeiro: migrated in .*' /tmp/msrc.out)
		echo "MIGRATE workload=$workload rate=$rate" \
		     "rounds=$(echo "$fin" | sed -n 's/.* in \([0-9]*\) rounds.*/\1/p')" \
		     "pages=$(echo "$fin" | sed -n 's/.*rounds (\([0-9]*\) pages).*/\1/p')" \
		     "total_ms=$(echo "$fin" | sed -n 's/.*pages) in \([0-9]*\) ms.*/\1/p')" \
		     "downtime_ms=$(echo "$fin" | sed -n 's/.*downtime \([0-9]*\) ms.*/\1/p')" \
		     "per_round=$(per_round 1) dirtied=$(per_round 2)" \
		     "round_ms=$(per_round 3)" \
		     "kib_s=$(sed -n 's/^RESULT writer PASS .*kib_s=\([0-9]*\).*/\1/p' /tmp/mdst.out)"
		test $ss = 0 && test $ds = 0 && test -n "$fin" &&
			grep -q '^RESULT writer PASS' /tmp/mdst.out
		result bench.migrate.$workload $? "source $ss, destination" \
			"$ds, '${fin#ligeiro: }'"
	done
	rm -f $MIG_SOCK
}
if [ "$lgbench" = migrate ]; then
	migrate_bench
	finish
fi
ligeiro $G -- bench | grep '^BENCH'
ligeiro --mode=trap $G -- bench | sed -n 's/^BENCH /BENCH trap./p'
# The ablation: each optimisation that has a launcher flag, turned off
# alone, on what it speeds up ("ABLATE flag name value": bench.py's table).
ligeiro --no-fused-switch $G -- bench |
	sed -n 's/^BENCH \(ctx[a-z0-9_]*\) \([0-9]*\).*/ABLATE --no-fused-switch \1 \2/p'
ligeiro --no-fast-cr3 $G -- bench |
	sed -n 's/^BENCH \(ctx[a-z0-9_]*\) \([0-9]*\).*/ABLATE --no-fast-cr3 \1 \2/p'
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
