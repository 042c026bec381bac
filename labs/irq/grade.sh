# grade.sh - the irq lab's own checks, inside the QEMU host.
#
# Run by `make grade LAB=irq` (labs/grade.py) after guestos.sh, in the
# same boot.  lgseed picks how long the spinning guest runs before it is
# killed.  labs/irq/README.md says what each check means.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
seed=${lgseed:-1}

# 1. The suite in trap mode: the PIC's lines, delivered the same way.
ligeiro --mode=trap $G -- tests >/tmp/lab.trap.out 2>&1
st=$?
sed -n 's/^RESULT /RESULT lab.trap./p' /tmp/lab.trap.out
result lab.trap_tests $st "the suite in trap mode exited with $st"

# 2. A guest spinning with interrupts virtually off still leaves at the
#    host's timer tick, so SIGKILL ends it at once.
ligeiro $G -- spin >/tmp/lab.spin.out 2>&1 &
pid=$!
wait_for spinning /tmp/lab.spin.out
usleep $((100000 + seed % 400000))
kill -9 $pid
wait $pid
st=$?
check lab.sigkill "the spinning guest ended with $st" -- test "$st" = 137

# 3. Time: the guest's own sleep and tick checks, once more, with the
#    other CPU loaded.
(while :; do :; done) &
busy=$!
ligeiro $G -- tests >/tmp/lab.loaded.out 2>&1
st=$?
kill $busy
sed -n 's/^RESULT \(timer.ticks\|proc.sleep\|proc.preempt\) /RESULT lab.loaded.\1 /p' /tmp/lab.loaded.out
result lab.loaded $st "the suite with the other CPU busy exited with $st"
finish
