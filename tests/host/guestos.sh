# guestos.sh - the guest OS under ligeiro: the same suite as natively, and
# what the hypervisor's counters say about it.
#
# Booted by tests/test_guestos.py under -cpu qemu64 and -cpu max, in the
# same boots as foundation.sh and worldswitch.sh.  The guest's RESULT
# lines pass through unchanged, so the harness can compare them with a
# native boot's, line for line (book/02-guest.md, book/07-shadow-paging.md).
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
stat() { sed -n "s/^ligeiro-stats: $1 //p" "$2"; }

# 1. The whole test suite, at ring 1 and ring 3 under ligeiro.
ligeiro $G -- tests >/tmp/tests.out 2>&1
st=$?
grep -v '^ligeiro-stats' /tmp/tests.out
result os.tests $st "the guest's test suite exited with $st"

# 2. Two guest OSes at once, pushed between the CPUs: timers, shadow
#    roots and direct gates of one never leak into the other.
two_moving $G -- tests
check os.two_oses "statuses $sa and $sb after $moves moves" -- \
	sh -c "test $sa = 0 -a $sb = 0 && ! grep -q 'RESULT .* FAIL' /tmp/a.out /tmp/b.out"

# 3. System calls cost no exit: 100000 getpid calls in a whole run (boot,
#    demand paging and the 100 Hz timer included) must take far fewer
#    exits than one per call.
ligeiro --stats $G -- sysloop >/tmp/sysloop.out 2>&1
st=$?
n=$(stat entries /tmp/sysloop.out)
echo "os: sysloop: $n entries for 100000 system calls"
check os.sysloop "$n entries for 100000 syscalls, status $st" -- \
	test "$st" = 0 -a "$n" -lt 2000

# 4. Two processes yielding to each other: most address-space switches
#    find their shadow root in the cache.
ligeiro --stats $G -- ctxloop >/tmp/ctxloop.out 2>&1
st=$?
loads=$(stat cr3_loads /tmp/ctxloop.out)
hits=$(stat cr3_hits /tmp/ctxloop.out)
echo "os: ctxloop: $hits of $loads address-space switches hit the cache"
check os.ctxloop "$hits of $loads cr3 loads hit, status $st" -- \
	test "$st" = 0 -a "$loads" -ge 2000 -a $((hits * 100)) -ge $((loads * 95))

# 5. Clearing 512 page-table entries at once goes through the batch: a
#    handful of flushes, no per-entry hypercall.
ligeiro --stats $G -- batch >/tmp/batch.out 2>&1
st=$?
flushes=$(stat hcall.flush /tmp/batch.out)
invlpg=$(stat hcall.invlpg /tmp/batch.out)
batched=$(stat batched /tmp/batch.out)
echo "os: batch: $batched entries drained, $flushes flush hypercalls, $invlpg invlpg"
check os.batch "$batched batched, $flushes flushes, $invlpg invlpg, status $st" -- \
	test "$st" = 0 -a "$batched" -ge 512 -a "$flushes" -le 4 -a "$invlpg" = 0
finish
