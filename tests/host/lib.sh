# lib.sh - helpers for the scripts that test ligeiro inside the QEMU host.
#
# Sourced by every tests/host/*.sh.  A check prints one RESULT line (the
# format tests/harness.py parses, tag from hv/uapi/ligeiro.h) and the
# script fails if any check did, so the host's QEMU exit status agrees
# with its lines.
. /etc/ligeiro-abi.sh
failures=0

# result NAME OK DETAIL...: OK is a command's status (0 = pass)
result() {
	name=$1 ok=$2
	shift 2
	if [ "$ok" = 0 ]; then
		echo "$LIGEIRO_RESULT_TAG $name PASS $*"
	else
		echo "$LIGEIRO_RESULT_TAG $name FAIL $*"
		failures=$((failures + 1))
	fi
}

# check NAME DETAIL -- CMD...: run CMD; pass when it succeeds
check() {
	name=$1 detail=$2
	shift 3
	"$@"
	result "$name" $? "$detail"
}

# two_moving ARGS...: run two launchers with ARGS at once (output in
# /tmp/a.out and /tmp/b.out), swapping their CPUs every 20 ms until both
# end.  Sets sa and sb (their statuses), moves, and cpus_a and cpus_b (the
# CPUs each was seen on).
two_moving() {
	ligeiro "$@" >/tmp/a.out 2>&1 &
	a=$!
	ligeiro "$@" >/tmp/b.out 2>&1 &
	b=$!
	moves=0 cpus_a="" cpus_b=""
	while kill -0 $a 2>/dev/null || kill -0 $b 2>/dev/null; do
		taskset -p -c $((moves % 2)) $a >/dev/null 2>&1
		taskset -p -c $(((moves + 1) % 2)) $b >/dev/null 2>&1
		usleep 20000
		cpus_a="$cpus_a $(cut -d' ' -f39 /proc/$a/stat 2>/dev/null)"
		cpus_b="$cpus_b $(cut -d' ' -f39 /proc/$b/stat 2>/dev/null)"
		moves=$((moves + 1))
	done
	wait $a
	sa=$?
	wait $b
	sb=$?
}

# Leak measures.  Pins are counted exactly by the kernel (nr_foll_pin_*).
# Free memory counts the per-CPU free lists too (MemFree alone wobbles by
# megabytes as they fill and drain).
pins() { echo 1 >/proc/sys/vm/stat_refresh	# fold per-CPU deltas
	awk '/^nr_foll_pin_acquired/ { a = $2 } /^nr_foll_pin_released/ { r = $2 }
	END { print a - r }' /proc/vmstat; }
free_kib() { sync; echo 3 >/proc/sys/vm/drop_caches
	awk '/^ +pages free/ { f += $3 } /^ +count:/ { f += $2 } END { print f * 4 }' /proc/zoneinfo; }
slab_kib() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }

# The debugging kernel of `make check-debug` (it has kmemleak) holds freed
# slab objects in KASAN's quarantine and keeps kmemleak's record of every
# allocation: over the first few hundred launcher runs free memory falls
# and SUnreclaim grows by one or two MiB, then they level off, ligeiro or
# not (book/16-testing.md).  There kmemleak finds leaks exactly, object by
# object (host-init.sh), so the approximate measures get mem_slack KiB
# more; and it runs ten to a hundred times slower, so time bounds are
# multiplied by slow.  On any other kernel they are 0 and 1.
if [ -e /sys/kernel/debug/kmemleak ]; then
	mem_slack=4096 slow=10
else
	mem_slack=0 slow=1
fi

# run NAME WANT-STATUS ARGS...: run the launcher, keep its output in
# /tmp/NAME.out, show it, and check the exit status.
run() {
	name=$1 want=$2
	shift 2
	ligeiro "$@" >/tmp/$name.out 2>&1
	st=$?
	sed "s/^/[$name] /" /tmp/$name.out | grep -v "^\[$name\] RESULT "
	test "$st" = "$want"
	result "$name" $? "exit status $st, expected $want"
}

# killed NAME REASON ARGS...: run the launcher; the guest must be killed,
# and the launcher must say why, matching REASON (an extended regex).
killed() {
	name=$1 reason=$2
	shift 2
	ligeiro "$@" >/tmp/$name.out 2>&1
	st=$?
	sed "s/^/[$name] /" /tmp/$name.out | grep -v "RESULT "
	check $name "status $st: $(grep -o 'guest killed: .*' /tmp/$name.out)" -- \
		sh -c "test $st = $LIGEIRO_EXIT_KILLED && grep -Eq 'guest killed: .*($reason)' /tmp/$name.out"
}

# wait_for WORD FILE: until FILE says WORD, or thirty seconds have passed
# (a guest usually says it in under a second; on a loaded CI machine a
# launcher started in the background has been seen to take over ten).
wait_for() {
	n=0
	while ! grep -q "$1" "$2" && [ $n -lt 600 ]; do
		usleep 50000
		n=$((n + 1))
	done
}

# Launchers in the background, for migrate.sh, reboot.sh and
# labs/migrate/grade.sh, which stop a guest with a signal while it runs.

# alive PID: the process is there and not yet a zombie.
alive() { kill -0 "$1" 2>/dev/null &&
	[ "$(cut -d' ' -f3 /proc/"$1"/stat 2>/dev/null)" != Z ]; }

# reap PID [SECONDS]: its exit status, once it ends; one that is still
# there after SECONDS (120) is killed (status 137), so a hung launcher
# fails a check, not the boot's timeout.
reap() {
	n=0
	while alive "$1" && [ $n -lt $((${2:-120} * 20 * slow)) ]; do
		usleep 50000
		n=$((n + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1"
}

# start OUT ARGS...: the launcher with ARGS in the background, its pid
# in pid, its output in OUT, which is emptied first: an earlier run's
# lines must not be taken for this one's.
start() {
	out=$1
	shift
	: >"$out"
	ligeiro "$@" >"$out" 2>&1 &
	pid=$!
}

# bounded OUT ARGS...: the same in the foreground: its status, or 137 if
# it had to be killed (reap).
bounded() {
	start "$@"
	reap $pid
}

# wait_out WORD FILE PID: wait_for (30 s), but not for a launcher that
# has ended.
wait_out() {
	n=0
	while ! grep -q "$1" "$2" && alive "$3" && [ $n -lt $((1500 * slow)) ]
	do
		usleep 20000
		n=$((n + 1))
	done
}

# A launcher's output in the transcript, its RESULT lines disarmed.
show() { sed "s|^|[$1] |" "$2"; }

# The guest program count (guest/user/count.c) keeps its count on a disk.
# mkdisk FILE: a fresh 64 KiB disk of zeros for it.
mkdisk() { dd if=/dev/zero of="$1" bs=1024 count=64 2>/dev/null; }
# disk_count FILE: what count left at the start of the disk, its decimal
# line.
disk_count() { dd if="$1" bs=512 count=1 2>/dev/null | tr -d '\000\n'; }
# went_on OUT LAST DISK: the restored count whose output is OUT went on
# from LAST + 1 to COUNT, said it passed, and left COUNT on DISK.
went_on() {
	test -n "$2" && test "$(counts "$1" | head -n 1)" = $(($2 + 1)) &&
		steps "$1" $(($2 + 1)) $COUNT &&
		grep -q "^RESULT count PASS $COUNT " "$1" &&
		test "$(disk_count "$3")" = $COUNT
}
# counts FILE...: the numbers count printed, one a line.
counts() { sed -n 's/^count \([0-9][0-9]*\)$/\1/p' "$@"; }
# steps FILE FIRST LAST: whether the numbers in FILE go up by one from
# FIRST to LAST.
steps() { counts "$1" | awk -v a="$2" -v b="$3" '
	{ if ($1 != a + NR - 1) bad = 1; n = NR }
	END { exit bad || a + n - 1 != b }'; }

# dump NAME FILE: FILE on the console, for the harness to take out of the
# host (tests/harness.py, Boot.files()): a line "FILE-BEGIN NAME SIZE
# MD5", the file gzipped in base64 lines, and "FILE-END NAME".
dump() {
	echo "FILE-BEGIN $1 $(wc -c <"$2") $(md5sum <"$2" | cut -d' ' -f1)"
	gzip -c "$2" | base64
	echo "FILE-END $1"
}

finish() {
	[ "$failures" = 0 ]
	exit
}
