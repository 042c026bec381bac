# trap.sh - trap-and-emulate mode: the native guest at ring 1, emulated.
#
# Booted by tests/test_trap.py under -cpu qemu64 and -cpu max, in the same
# boots as the other host scripts.  The guest's own lines pass through
# renamed, "RESULT trap.<check>" and "PROBE trap.<name>", so the harness
# can set them beside a native boot's and a pv run's (book/07).
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
stat() { sed -n "s/^ligeiro-stats: $1 //p" "$2"; }

# 1. The guest OS's whole test suite, with its native backend, trapping.
ligeiro --mode=trap $G -- tests >/tmp/trap.out 2>&1
st=$?
sed 's/^RESULT /RESULT trap./' /tmp/trap.out
result trap.tests $st "the suite in trap mode exited with $st"

# 1b. Each privileged instruction once, emulated (natively: test_native).
ligeiro --mode=trap $G -- emucheck >/tmp/emucheck.out 2>&1
st=$?
sed -n 's/^RESULT /RESULT trap./p' /tmp/emucheck.out
result trap.emucheck $st "emucheck in trap mode exited with $st"

# 2. What the kernel sees of its ring, in both modes (natively: test_native).
for mode in trap pv; do
	ligeiro --mode=$mode $G -- probe >/tmp/probe.out 2>&1
	st=$?
	sed -n "s/^PROBE /PROBE $mode./p" /tmp/probe.out
	result $mode.probe $st "probe in $mode mode exited with $st"
done

# 3. The cost profile: each loop at two sizes in each mode; the harness
#    divides the difference of the counters by the difference of sizes.
#    Big enough that the noise (the boot's PIT calibration is a loop of
#    port reads as long as 50 ms allow) is a few hundredths per operation.
for mode in trap pv; do
	for run in sysloop=5000 sysloop=10000 ctxloop=500 ctxloop=1000 \
		   pfloop=500 pfloop=1000; do
		loop=${run%=*} n=${run#*=}
		ligeiro --mode=$mode --stats $G -- $run \
			>/tmp/cost.out 2>&1
		st=$?
		echo "COST $mode $loop $n" \
		     "entries=$(stat entries /tmp/cost.out)" \
		     "emulation=$(stat exit.emulation /tmp/cost.out)" \
		     "hypercall=$(stat exit.hypercall /tmp/cost.out)" \
		     "irqflag=$(stat emul.irqflag /tmp/cost.out)" \
		     "port=$(stat emul.port /tmp/cost.out)" \
		     "cr=$(stat emul.cr /tmp/cost.out)" \
		     "other=$(($(stat emul.hlt /tmp/cost.out) + \
			$(stat emul.desc /tmp/cost.out) + \
			$(stat emul.invlpg /tmp/cost.out) + \
			$(stat emul.msr /tmp/cost.out) + \
			$(stat emul.mmio /tmp/cost.out)))" \
		     "cr3_loads=$(stat cr3_loads /tmp/cost.out)"
		result cost.$mode.$loop.$n $st "exited with $st"
	done
done

# 4. A native kernel's ways to stop, and to misbehave, emulated.  A
#    hostile native kernel is killed with a reason, as a pv one is.
hostile() {
	ligeiro --mode=trap $G -- hostile=$1 >/tmp/hostile.out 2>&1
	st=$?
	grep "guest killed" /tmp/hostile.out
	check trap.hostile_$1 "$2 (status $st)" -- sh -c \
		"test $st = $LIGEIRO_EXIT_KILLED && grep -q 'guest killed: .*$2' /tmp/hostile.out"
}
hostile hlt "hlt with interrupts disabled"
hostile paging "would turn paging off"
hostile upper "upper half"
hostile table-oor "outside guest memory"
hostile table-upper "map the upper half"
hostile table-loop "guest page tables loop"

ligeiro --mode=trap $G -- exit=7 >/tmp/exit.out 2>&1
st=$?
check trap.exit "isa-debug-exit code 7 gives status $st" -- test $st = 7
ligeiro --mode=trap $G -- exit=200 >/tmp/exit.out 2>&1
st=$?
grep killed /tmp/exit.out
check trap.exit_range "status $st" -- \
	sh -c "test $st = $LIGEIRO_EXIT_KILLED && grep -q 'above $LIGEIRO_EXIT_GUEST_MAX' /tmp/exit.out"
ligeiro --mode=trap $G -- spin >/tmp/spin.out 2>&1 &
pid=$!
wait_for spinning /tmp/spin.out
usleep 200000
kill -9 $pid
wait $pid
st=$?
check trap.spin_killable "cli; spin: SIGKILL ends it (status $st)" -- \
	test $st = 137 -a "$(grep -c spinning /tmp/spin.out)" = 1
finish
