# hardening.sh - what a guest may do to its host: nothing that hurts it.
#
# Booted by tests/test_hardening.py under -cpu qemu64 and -cpu max, after
# the other scripts and before worldswitch.sh unloads the module.  Every
# case states its expected end: the guest killed with a reason, or the
# guest's own RESULT line and a clean exit.  The harness fails the whole
# boot if the host's log shows an oops, a warning or a BUG, and a host
# that falls takes every check of the boot with it.
# book/04-world-switch.md, "What a guest may try", says why each holds.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf

pins0=$(pins) free0=$(free_kib)

# survives NAME ARGS...: the guest ends well and says so itself.
survives() {
	act=$1
	shift
	run hd.$act 0 "$@"
	check hd.${act}_result "$(grep -o "RESULT hostile.[a-z]* .*" /tmp/hd.$act.out)" -- \
		grep -q "RESULT hostile.[a-z]* PASS" /tmp/hd.$act.out
}

# 1. A null %ss (legal at ring 1) at every exit: QEMU's TCG then delivers
#    the exit without switching stacks, unless the gate asks for one.
#    (pv only: in trap mode the exit would not come at once, and until it
#    does QEMU lets the guest do what ring 0 does; book/04, "A known
#    stack", tells what that means and what it does not.)
survives nullss $G -- hostile=nullss

# 2. Host hardware breakpoints: one on the Switcher's exit path (as perf
#    or gdb would arm it) and a watchpoint on the launcher's address that
#    is also the guest's shared page.  Neither may fire in the guest.
# (the label in switch.S, the one within a page of ligeiro_switcher_start)
start=0x$(awk '$3 == "ligeiro_switcher_start" { print $1 }' /proc/kallsyms)
for a in $(awk '$3 == "ligeiro_exit" { print $1 }' /proc/kallsyms); do
	off=$((0x$a - start))
	[ $off -ge 0 ] && [ $off -lt 4096 ] && exit_path=0x$a
done
hwbp x "$exit_path" ligeiro $G -- nops=1000 >/tmp/hd.bp_switcher.out 2>&1
st=$?
sed 's/^/[hd.bp_switcher] /' /tmp/hd.bp_switcher.out | grep -v "RESULT "
check hd.bp_switcher "breakpoint at ligeiro_exit ($exit_path), status $st" -- \
	sh -c "test $st = 0 && grep -q 'RESULT pv.nops PASS' /tmp/hd.bp_switcher.out"
ligeiro $G >/tmp/hd.shared.out 2>&1
shared=$(sed -n 's/.*RESULT pv.init PASS .*shared=\(0x[0-9a-f]*\).*/\1/p' /tmp/hd.shared.out)
hwbp rw "$shared" ligeiro $G >/tmp/hd.bp_guest.out 2>&1
st=$?
sed 's/^/[hd.bp_guest] /' /tmp/hd.bp_guest.out | grep -v "RESULT "
check hd.bp_guest "watchpoint at the guest's shared page ($shared), status $st" -- \
	sh -c "test -n '$shared' && test $st = 0 && grep -q 'RESULT pv.irqflag PASS' /tmp/hd.bp_guest.out"

# 3. The guest's FPU state is its own: odd control words and a PKRU that
#    denies every key stay with the guest, and the launcher (which checks
#    its own state after every run) carries on.  Instructions that fault
#    on hardware fault here too.  (Reserved MXCSR bits fault on hardware,
#    but QEMU's TCG takes them: the guest keeps them, and the host must
#    survive the state it then saves and restores.)
survives fpu $G -- hostile=fpu
survives fpu_trap --mode=trap $G -- hostile=fpu
survives mxcsr $G -- hostile=mxcsr
killed hd.xsetbv "general protection fault|invalid opcode" $G -- hostile=xsetbv
killed hd.wrpkru "invalid opcode" $G -- hostile=wrpkru

# 4. Shadow tables are bounded: an 8 MiB guest whose three pages of tables
#    name 27,000 shadow tables (105 MiB unbounded).  The guest still reads
#    the right page every time; the host's free memory hardly moves.
avail() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
flood() {
	act=$1
	shift
	low=$(avail)
	ligeiro --mem=8M --stats "$@" $G -- hostile=shadow >/tmp/hd.$act.out 2>&1 &
	pid=$!
	before=$low
	while kill -0 $pid 2>/dev/null; do
		now=$(avail)
		[ "$now" -lt "$low" ] && low=$now
		usleep 20000
	done
	wait $pid
	st=$?
	grep -v "^ligeiro-stats: \(exit\|hcall\|emul\|dev\)" /tmp/hd.$act.out |
		grep -v "RESULT " | sed "s/^/[hd.$act] /"
	peak=$(sed -n 's/^ligeiro-stats: shadow_tables_peak //p' /tmp/hd.$act.out)
	recycles=$(sed -n 's/^ligeiro-stats: shadow_recycles //p' /tmp/hd.$act.out)
	check hd.$act "status $st, $(grep -o 'RESULT hostile.shadow .*' /tmp/hd.$act.out)" -- \
		sh -c "test $st = 0 && grep -q 'RESULT hostile.shadow PASS' /tmp/hd.$act.out"
	# the bound for 8 MiB (hv/vm.h): 64 + 2048 / 32, plus one fault's 3
	check hd.${act}_bounded "peak $peak shadow tables, $recycles recycles, MemAvailable $before -> lowest $low KiB" -- \
		test -n "$peak" -a "${peak:-0}" -le 131 -a "${recycles:-0}" -ge 1 \
		     -a $((before - low)) -lt 16384
}
flood shadow
flood shadow_trap --mode=trap

# 5. The hypercall interface, fuzzed from the guest (guest/selftest/
#    hcfuzz.c): 100,000 calls the host must survive, seeded and the seed
#    printed; then every boundary request, each of which must be killed
#    with the reason the guest says it expects.
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
echo "hcfuzz seed: $seed"
survives hcfuzz $G -- hcfuzz=$seed
survives hcfuzz_roots4 --roots=4 $G -- hcfuzz=$seed	# every root afresh
n=0 passed=0 cases=
while [ $n -lt 64 ]; do
	ligeiro $G -- hcfuzz_kill=$n >/tmp/hd.hcfuzz_kill.out 2>&1
	st=$?
	cases=$(sed -n 's/.*no kill case [0-9]* (there are \([0-9]*\)).*/\1/p' /tmp/hd.hcfuzz_kill.out)
	[ -n "$cases" ] && break
	want=$(sed -n 's/.*kill case [0-9]* expects: //p' /tmp/hd.hcfuzz_kill.out)
	if [ $st = $LIGEIRO_EXIT_KILLED ] && [ -n "$want" ] &&
	   grep -q "guest killed: .*$want" /tmp/hd.hcfuzz_kill.out; then
		passed=$((passed + 1))
	else
		sed "s/^/[hd.hcfuzz_kill $n, status $st] /" /tmp/hd.hcfuzz_kill.out
	fi
	n=$((n + 1))
done
# Every case the guest has, and the guest says how many it has.
check hd.hcfuzz_kill "$passed of $n boundary hypercalls killed with the reason expected (the guest has ${cases:-?})" -- \
	test -n "$cases" -a $passed = $n -a "$n" = "$cases" -a $n -ge 20

# 6. Every privileged and sensitive instruction, by a hostile kernel at
#    ring 1 and a hostile process at ring 3, in pv and in trap mode
#    (guest/selftest/instr.c): MSRs of every kind, control and debug
#    registers, descriptor tables with garbage, swapgs and the system-call
#    instructions, far transfers to every selector of the Switcher's GDT
#    and loads of each into every segment register, int n, port I/O and
#    the rest.  A fixed table, no seed.  At ring 1 each case that must
#    kill the guest runs in a launcher of its own and must be killed with
#    the reason the guest says it expects (or QEMU's TCG's, where TCG and
#    the CPU differ); the cases it must survive run in one launcher, whose
#    count of kill cases must be the one seen.  At ring 3 all run in one
#    launcher: each refusal kills a process of the guest, never the VM.
#    Two launchers run at a time, one on each of the host's CPUs.
uptime_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }
# instr_judge FILE: 0 if the guest was killed with a reason it expects, 1
# if not, 2 if it has no such case (then $cases is its count).  Builtins
# only: it runs hundreds of times, and each fork is slow under TCG.
instr_judge() {
	killed= wants= cases=
	while IFS= read -r line; do
		case $line in
		"instr: no kill case "*)
			cases=${line##*there are }
			cases=${cases%)}
			return 2 ;;
		"instr: kill case "*" expects: "*)
			wants="$wants${line#*expects: }
" ;;
		"instr: kill case "*" or: "*)
			wants="$wants${line#*or: }
" ;;
		*"guest killed: "*)
			killed=${line#*guest killed: } ;;
		esac
	done <"$1"
	ifs=$IFS found=1
	IFS='
'
	set -f
	for want in $wants; do
		case $killed in
		*"$want"*)
			found=0 ;;
		esac
	done
	set +f
	IFS=$ifs
	return $found
}
# instr_count FILE STATUS: count case $n's run; false past the last case.
instr_count() {
	instr_judge $1
	case $?,$2 in
	2,*)	return 1 ;;
	0,$LIGEIRO_EXIT_KILLED)
		passed=$((passed + 1)) ;;
	*)	sed "s/^/[hd.${fam}_kill $n, status $2] /" $1 ;;
	esac
	n=$((n + 1))
}
# instr_ring1 MODE FAMILY: the kill cases of a mode, then the cases it
# survives.
instr_ring1() {
	mode=$1 fam=$2
	n=0 passed=0 cases=
	while [ $n -lt 1000 ]; do
		ligeiro --mem=2M --mode=$mode $G -- instr_kill=$n >/tmp/$fam.a 2>&1 &
		pid=$!
		ligeiro --mem=2M --mode=$mode $G -- instr_kill=$((n + 1)) >/tmp/$fam.b 2>&1
		sb=$?
		wait $pid
		sa=$?
		instr_count /tmp/$fam.a $sa && instr_count /tmp/$fam.b $sb || break
	done
	check hd.${fam}_kill "$passed of $n cases at ring 1 killed with the reason expected (the guest has ${cases:-?})" -- \
		test -n "$cases" -a $passed = $n -a "$n" = "$cases" -a $n -ge 200
	ligeiro --mem=2M --mode=$mode $G -- instr_ok >/tmp/$fam.ok 2>&1
	st=$?
	grep '^instr: ' /tmp/$fam.ok | sed "s/^/[hd.${fam}_ok] /"
	okline=$(grep -o 'RESULT hostile.instr_ok .*' /tmp/$fam.ok)
	check hd.${fam}_ok "status $st, $okline" -- sh -c \
		"test $st = 0 && echo '$okline' | grep -q 'PASS .* kill=$n '"
}
# instr_ring3 FAMILY STATUS: the ring-3 run of that family's mode, which
# must have had as many cases as instr_ok counted.
instr_ring3() {
	fam=$1 st=$2
	grep '^instr3: ' /tmp/$fam.user | sed "s/^/[hd.${fam}_user] /"
	all=$(sed -n 's/.*RESULT hostile.instr_ok PASS .* all=\([0-9]*\).*/\1/p' /tmp/$fam.ok)
	userline=$(grep -o 'RESULT hostile.instr_user .*' /tmp/$fam.user)
	first=$(grep -m1 '^instr3: ' /tmp/$fam.user)
	check hd.${fam}_user "status $st, $userline${first:+ (first: $first)}" -- sh -c \
		"test $st = 0 && echo '$userline' | grep -q 'PASS .* all=$all '"
}
t0=$(uptime_cs)
instr_ring1 pv instr
instr_ring1 trap instr_trap
ligeiro --mem=4M $G -- instr3 >/tmp/instr.user 2>&1 &
pid=$!
ligeiro --mem=4M --mode=trap $G -- instr3 >/tmp/instr_trap.user 2>&1
st_trap=$?
wait $pid
instr_ring3 instr $?
instr_ring3 instr_trap $st_trap
t1=$(uptime_cs)
echo "instr: all in $(((t1 - t0) * 10)) ms"

# 6b. A lazy VM leaves on a CPU the MSRs that make a guest's syscall and
#     sysenter fault until that CPU returns to user mode; an eager one
#     (--no-lazy-host) puts Linux's back at every exit (switcher.c).  On
#     one CPU, one of each: the eager one spins while the lazy one runs
#     the ring-1 and ring-3 instruction checks, which include syscall and
#     sysenter, then the other way round.  The scheduler takes turns
#     between the two inside their LIGEIRO_RUN loops.
beside() {
	name=$1 spinner=$2 checker=$3
	taskset -c 0 ligeiro $spinner $G -- spin >/tmp/$name.spin 2>&1 &
	pid=$!
	wait_for spinning /tmp/$name.spin
	taskset -c 0 ligeiro --mem=2M $checker $G -- instr_ok >/tmp/$name.ok 2>&1
	st_ok=$?
	taskset -c 0 ligeiro --mem=4M $checker $G -- instr3 >/tmp/$name.user 2>&1
	st_user=$?
	kill -9 $pid
	wait $pid
	check hd.$name "instr_ok status $st_ok, instr3 status $st_user, beside a spinning guest" -- \
		sh -c "test $st_ok = 0 -a $st_user = 0 &&
		       grep -q 'RESULT hostile.instr_ok PASS' /tmp/$name.ok &&
		       grep -q 'RESULT hostile.instr_user PASS' /tmp/$name.user"
}
beside lazy_beside_eager --no-lazy-host ""
beside eager_beside_lazy "" --no-lazy-host

# 7. All of it leaves nothing behind: no pinned page, no lost memory, and
#    the module unloads and loads again.
pins1=$(pins) free1=$(free_kib)
check hd.no_leak_pins "pinned pages outstanding: $pins0 -> $pins1" -- test "$pins1" = "$pins0"
check hd.unload "rmmod, then insmod again" -- sh -c "rmmod ligeiro && insmod /lib/ligeiro.ko"
check hd.no_leak "free $free0 -> $free1 KiB" -- test $((free0 - free1)) -lt $((2048 + mem_slack))
finish
