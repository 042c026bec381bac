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
#    find their shadow root in the cache, and each switch is one exit:
#    NEW_CR3 brings the kernel stack along, never a SET_STACK of its own
#    (the boot's few hundred exits come on top).  Measured with
#    --no-fast-cr3, so that every switch is shadow_new_cr3()'s, the C code
#    the shadow and hypercall labs write: the Switcher's fast path finds
#    any root the C code left, and would hide a cache that never hits.
ligeiro --stats --no-fast-cr3 $G -- ctxloop >/tmp/ctxloop.out 2>&1
st=$?
loads=$(stat cr3_loads /tmp/ctxloop.out)
hits=$(stat cr3_hits /tmp/ctxloop.out)
entries=$(stat entries /tmp/ctxloop.out)
stacks=$(stat hcall.set_stack /tmp/ctxloop.out)
fast=$(stat cr3_fast /tmp/ctxloop.out)
echo "os: ctxloop: $hits of $loads address-space switches hit the cache"
check os.ctxloop "$hits of $loads cr3 loads hit, status $st" -- \
	test "$st" = 0 -a "$loads" -ge 2000 -a $((hits * 100)) -ge $((loads * 95))
check os.ctxloop_exits "$entries entries, $stacks SET_STACK for $loads switches" -- \
	test "$stacks" = 0 -a "$entries" -ge "$loads" -a "$entries" -lt $((loads + 1000))
check os.ctxloop_no_fast "--no-fast-cr3: $fast switches in the Switcher" -- \
	test "$fast" = 0
# ... and by default, when the root is cached, the Switcher makes the
# switch itself: no exit at all (hv/switch.S, ligeiro_fast_cr3).
ligeiro --stats $G -- ctxloop >/tmp/ctxloop3.out 2>&1
st=$?
loads=$(stat cr3_loads /tmp/ctxloop3.out)
fast=$(stat cr3_fast /tmp/ctxloop3.out)
entries=$(stat entries /tmp/ctxloop3.out)
check os.ctxloop_fast "$fast of $loads switches in the Switcher, $entries entries, status $st" -- \
	test "$st" = 0 -a "${fast:-0}" -ge $((loads * 95 / 100)) -a "$entries" -lt $((loads / 2))
ligeiro --stats --no-fused-switch $G -- ctxloop >/tmp/ctxloop2.out 2>&1
st=$?
stacks=$(stat hcall.set_stack /tmp/ctxloop2.out)
check os.ctxloop_unfused "--no-fused-switch: $stacks SET_STACK, status $st" -- \
	test "$st" = 0 -a "$stacks" -ge 2000

# 4b. Sixteen processes in turn: the cache of roots holds them all; with
#     --roots=4 almost every switch misses (book/07, "Address spaces and
#     the cache of roots").  Again through the C code: --no-fast-cr3.
ring() {
	ligeiro --stats --no-fast-cr3 "$@" $G -- ctxring=16 >/tmp/ring.out 2>&1
	st=$?
	loads=$(stat cr3_loads /tmp/ring.out)
	hits=$(stat cr3_hits /tmp/ring.out)
}
ring
check os.ctxring "$hits of $loads cr3 loads hit for 16 processes, status $st" -- \
	test "$st" = 0 -a "$loads" -ge 3200 -a $((hits * 100)) -ge $((loads * 95))
ring --roots=4
check os.ctxring_roots4 "--roots=4: $hits of $loads hit, status $st" -- \
	test "$st" = 0 -a "$loads" -ge 3200 -a $((hits * 100)) -lt $((loads * 10))

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
