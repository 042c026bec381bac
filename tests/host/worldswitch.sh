# worldswitch.sh - guests really run: the world switch under load and abuse.
#
# Booted by tests/test_worldswitch.py under -cpu qemu64 and -cpu max.  The
# guest image's command line (after `--`) picks what it does: see
# guest/boot/entry.c.  Each check prints a RESULT line; the guest's own checks
# print theirs too, through the launcher's console.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf

uptime_cs() {	# the uptime in hundredths of a second
	awk '{ printf "%d\n", $1 * 100 }' /proc/uptime
}

# 1. Hello, and the guest's own checks (their RESULT lines pass through).
ligeiro $G
result ws.hello $? "the guest ran its pv checks and shut down with 0"

# 2. The exit code travels from the guest's shutdown hypercall.
run ws.exit_code 7 $G -- exit=7

# 3. Statistics add up: every entry ends in exactly one exit.
run ws.stats 0 --stats $G -- exit=0
stat() { sed -n "s/^ligeiro-stats: $1 //p" /tmp/ws.stats.out; }
entries=$(stat entries)
exits=$(($(stat exit.hypercall) + $(stat exit.interrupt) + $(stat exit.exception)))
check ws.stats_sum "entries=$entries exits=$exits" -- test "$entries" = "$exits"
check ws.stats_hcalls "init=$(stat hcall.init) console=$(stat hcall.console) shutdown=$(stat hcall.shutdown)" -- \
	test "$(stat hcall.init)" = 1 -a "$(stat hcall.shutdown)" = 1 -a "$(stat hcall.console)" -ge 1

# 4. A hostile guest is killed with a reason; the host carries on.
hostile() {
	run ws.hostile_$1 "$LIGEIRO_EXIT_KILLED" $G -- hostile=$1
	check ws.hostile_${1}_reason "$2" -- grep -q "guest killed: .*$2" /tmp/ws.hostile_$1.out
}
hostile priv "general protection fault"
hostile switcher "a write to a read-only page"
hostile upper "upper half"
hostile hcall "unknown hypercall"
hostile badptr "not in guest memory"
# and hostile page tables (book/07-shadow-paging.md)
hostile table-oor "guest maps 0x3ffff000 to 0x3ffff000, outside guest memory"
hostile table-upper "map the upper half"
hostile table-loop "guest page tables loop"
# and a native kernel's instructions, which a pv kernel must not use
hostile hlt "general protection fault"
hostile paging "general protection fault"
# A guest that forges the Switcher's note of an NMI before 1000 exits
# (it can find it without UMIP): Linux must not see one NMI (book/04).
ligeiro $G -- hostile=nmi >/tmp/nmi.out 2>&1
st=$?
grep 'hostile.nmi' /tmp/nmi.out
unknown=$(dmesg | grep -c 'NMI received for unknown reason')
check ws.hostile_nmi "status $st, $unknown unknown NMIs in the log" -- \
	sh -c "test $st = 0 && test $unknown = 0 && grep -q 'RESULT hostile.nmi PASS' /tmp/nmi.out"

# 5. SIGKILL ends a guest spinning with interrupts virtually off, fast,
#    and a host task on the same CPU keeps running meanwhile.
taskset -c 0 ligeiro $G -- spin >/tmp/spin.out 2>&1 &
pid=$!
t0=$(uptime_cs)
wait_for spinning /tmp/spin.out
t1=$(uptime_cs)
check ws.spinning "the guest reached its spin loop ($(((t1 - t0) * 10)) ms; it said: $(tr '\n' ' ' </tmp/spin.out | cut -c1-100))" -- \
	grep -q spinning /tmp/spin.out
# (rename is atomic: the reader never sees a half-written file)
(i=0; while :; do i=$((i + 1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; done) &
counter=$!
taskset -p -c 0 $counter >/dev/null
sleep 1
c1=$(cat /tmp/count)
sleep 1
c2=$(cat /tmp/count)
kill $counter
check ws.host_responsive "a task on the guest's CPU counted $c1 -> $c2" -- test "$c2" -gt "$c1"
t0=$(uptime_cs)
kill -9 $pid
wait $pid
st=$?
t1=$(uptime_cs)
check ws.sigkill "killed after $(((t1 - t0) * 10)) ms, status $st" -- \
	test $((t1 - t0)) -lt $((100 * slow)) -a "$st" = 137

# 6. Two guests at once, their vCPU threads pushed between the CPUs.
two_moving $G -- nops=200000
check ws.two_guests "statuses $sa and $sb" -- test "$sa" = 0 -a "$sb" = 0
check ws.two_guests_ran "both finished their hypercall loops" -- \
	sh -c 'grep -q "RESULT pv.nops PASS" /tmp/a.out && grep -q "RESULT pv.nops PASS" /tmp/b.out'
ran_on_both() { echo "$1" | grep -qw 0 && echo "$1" | grep -qw 1; }
ran_on_both "$cpus_a" && ran_on_both "$cpus_b"
result ws.migrated $? "$moves moves; guest a seen on CPUs {$(echo $cpus_a | tr ' ' '\n' | sort -u | tr '\n' ' ')}"

# 7. Two guests on one CPU keep their own FPU registers across the
#    context switches Linux makes between their vCPU threads.
taskset -c 1 ligeiro $G -- fpu=1111111111111111 >/tmp/fa.out 2>&1 &
a=$!
taskset -c 1 ligeiro $G -- fpu=2222222222222222 >/tmp/fb.out 2>&1 &
b=$!
wait $a
sa=$?
wait $b
sb=$?
cat /tmp/fa.out /tmp/fb.out | grep "RESULT pv.fpu" | sed 's/^RESULT/[fpu] RESULT/'
check ws.fpu "statuses $sa and $sb" -- sh -c "test $sa = 0 -a $sb = 0 &&
	grep -q 'RESULT pv.fpu PASS' /tmp/fa.out && grep -q 'RESULT pv.fpu PASS' /tmp/fb.out"

# 8. 220 create-run-destroy cycles leak nothing: 20 to warm the caches
#    up, then 200 measured.  Pins are counted exactly by the kernel
#    (nr_foll_pin_*): none may remain.  Free memory counts the per-CPU
#    free lists too (MemFree alone wobbles by megabytes as they fill and
#    drain); it may drop by < 1 MiB and unreclaimable slab grow by
#    < 256 KiB.  One leaked 4 MiB VM per run would be 800 MiB.
cycles() {
	i=0
	while [ $i -lt $1 ]; do
		ligeiro --mem=4M $G -- exit=0 >/dev/null 2>&1 || fails=$((fails + 1))
		i=$((i + 1))
	done
}
fails=0
cycles 20
pins0=$(pins) free0=$(free_kib) slab0=$(slab_kib)
cycles 200
pins1=$(pins) free1=$(free_kib) slab1=$(slab_kib)
check ws.cycles "220 runs, $fails failed" -- test "$fails" = 0
check ws.no_leak_pins "pinned pages outstanding: $pins0 -> $pins1" -- test "$pins1" = "$pins0"
check ws.no_leak "free $free0 -> $free1 KiB, SUnreclaim $slab0 -> $slab1 KiB" -- \
	test $((free0 - free1)) -lt $((1024 + mem_slack)) \
	     -a $((slab1 - slab0)) -lt $((256 + mem_slack))
check ws.unload "rmmod after all of it" -- rmmod ligeiro
finish
