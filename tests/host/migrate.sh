# migrate.sh - a guest saved to a file and restored, and a guest moved
# live to another launcher, in pv mode and in trap mode (issue 14).
#
# Booted by tests/test_migrate.py under -cpu qemu64 and -cpu max, in the
# same boots as the other host scripts.  The launcher stops a guest on
# SIGUSR1 (or Ctrl-] s on its console): with --save=FILE it writes the
# guest to FILE and exits, with --migrate=PLACE it sends it by pre-copy to
# a launcher started with --incoming=PLACE (unix:PATH or tcp:HOST:PORT).
# Each check prints one "RESULT mig.<name>" line; the guests' own RESULT
# lines are shown prefixed, so the harness reads only ours.  The launcher's messages are looked for anywhere in a line:
# its stderr shares the file with the guest's console, and a guest's line
# cut by the migration (the rest is the destination's) runs into the
# next message.  Guest programs: count (guest/user/count.c) keeps its count
# on the disk, dirty (guest/user/dirty.c) writes all over 8 MiB.  The
# helpers that start, wait for and reap a launcher in the background, and
# read count's lines and disk, are in lib.sh: reboot.sh uses them too.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
DISK=/tmp/mig.img
SAVE=/tmp/mig.save
SOCK=/tmp/m.sock
COUNT=40		# count's steps: about 50 ms each
SAVE_AT=5		# SIGUSR1 once count has printed this
# dirty's seconds: longer than a migration takes, on the debugging
# kernel too (lib.sh's slow), where a migration's rounds are that much
# slower.
DIRTY_S=$((8 * slow))
TCP=127.0.0.1:47474	# a free port on the loopback
BIG_MEM=128M		# a first round that shows progress lines
BIG_DIRTY_S=$((20 * slow))	# dirty's seconds in that guest
# The launcher's bound on pre-copy rounds, from hv/uapi/ligeiro.h.
max_rounds=${LIGEIRO_MIGRATE_ROUNDS:-}

# The RESULT lines of guest transcripts as "name verdict", sorted.
verdicts() { sed -nE 's/^RESULT ([^ ]+) (PASS|FAIL).*/\1 \2/p' "$@" |
	sort; }

# incoming: start the destination in the background (pid in dst, output
# in /tmp/dst.out) and wait for its socket.
incoming() {
	rm -f $SOCK
	start /tmp/dst.out --incoming=unix:$SOCK "$@"
	dst=$pid
	n=0
	while [ ! -e $SOCK ] && alive $dst && [ $n -lt 600 ]; do
		usleep 50000
		n=$((n + 1))
	done
}

# moved NAME WORD PLACE ARGS...: a source launcher with ARGS, migrating
# to PLACE (where the destination dst waits), signalled once its output
# shows WORD; both reaped (their statuses in ss and ds), their output
# shown under NAME.
moved() {
	name=$1 word=$2 place=$3
	shift 3
	start /tmp/src.out --migrate=$place "$@"
	src=$pid
	wait_out "$word" /tmp/src.out $src
	kill -USR1 $src
	reap $src
	ss=$?
	reap $dst
	ds=$?
	show $name/src /tmp/src.out
	show $name/dst /tmp/dst.out
}

# flip FILE OFFSET: invert the byte at OFFSET, in place.
flip() {
	b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1)
	b=$((b))
	printf "\\$(printf %o $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

# save_restore NAME MODE HOW: count stopped a few steps in and written
# out, by SIGUSR1 or by Ctrl-] s typed on its console (HOW is signal or
# console); restored, it goes on from the next number, with the same disk.
save_restore() {
	name=$1
	mkdisk $DISK
	rm -f $SAVE /tmp/cons.in
	mkfifo /tmp/cons.in
	: >/tmp/save.out
	ligeiro --mode=$2 --disk=$DISK --save=$SAVE $G -- count=$COUNT \
		</tmp/cons.in >/tmp/save.out 2>&1 &
	pid=$!
	exec 3>/tmp/cons.in
	wait_out "^count $SAVE_AT\$" /tmp/save.out $pid
	case $3 in
	signal)		kill -USR1 $pid ;;
	console)	alive $pid && printf '\035s' >&3 ;;
	esac
	reap $pid
	ss=$?
	exec 3>&-
	rm -f /tmp/cons.in
	show $name/save /tmp/save.out
	last=$(counts /tmp/save.out | tail -n 1)
	saved=$(disk_count $DISK)
	# For the corrupt files of 2.
	[ $2 = pv ] && cp $SAVE /tmp/mig.save.pv 2>/dev/null
	bounded /tmp/restore.out --restore=$SAVE --disk=$DISK
	rs=$?
	show $name/restore /tmp/restore.out
	first=$(counts /tmp/restore.out | head -n 1)
	test $ss = 0 && grep -q "ligeiro: saved .* to $SAVE" /tmp/save.out &&
		! grep -q '^RESULT ' /tmp/save.out &&
		test -n "$last" && steps /tmp/save.out 1 "$last" &&
		{ test "$saved" = "$last" || test "$saved" = $((last - 1)); } &&
		test $rs = 0 && went_on /tmp/restore.out "$last" $DISK
	result $name $? "save status $ss, last count ${last:-none}" \
		"(disk ${saved:-empty}); restore status $rs, first count" \
		"${first:-none}, disk $(disk_count $DISK)"
	rm -f $SAVE
}

# 1. Save and restore, in each mode, and once asked for on the console.
save_restore mig.save_restore_pv pv signal
save_restore mig.save_restore_trap trap signal
save_restore mig.save_restore_console pv console

# 2. A damaged file is refused whole: the status says so, a message says
#    why, and no guest runs (the disk stays as it was).
damaged() {
	cp /tmp/mig.save.pv /tmp/mig.flip
	size=$(wc -c </tmp/mig.flip)
	flip /tmp/mig.flip $((size / 2))
	head -c $((size / 2)) /tmp/mig.save.pv >/tmp/mig.trunc
	before=$(md5sum <$DISK)
	ok=0 detail="$size bytes saved:"
	for bad in flip trunc; do
		bounded /tmp/bad.out --restore=/tmp/mig.$bad --disk=$DISK
		st=$?
		show mig.corrupt_file/$bad /tmp/bad.out
		case $bad in		# what the message must name
		flip)	why='checksum|corrupt|damaged' ;;
		trunc)	why='truncat|short|too small|end of file|incomplete' ;;
		esac
		test $st = "$LIGEIRO_EXIT_BADIMAGE" &&
			grep -Eiq "^ligeiro: .*($why)" /tmp/bad.out &&
			! grep -Eq '^(ligeiro guest|count |RESULT )' /tmp/bad.out ||
			ok=1
		detail="$detail $bad: status $st, '$(head -n 1 /tmp/bad.out)';"
	done
	test $ok = 0 && ! cmp -s /tmp/mig.flip /tmp/mig.save.pv &&
		test "$before" = "$(md5sum <$DISK)"
	result mig.corrupt_file $? "$detail"
}
if [ -s /tmp/mig.save.pv ]; then
	damaged
else
	result mig.corrupt_file 1 "no saved file to damage"
fi
rm -f /tmp/mig.save.pv /tmp/mig.flip /tmp/mig.trunc

# 3. Live migration of the guest OS's test suite, started at its first
#    RESULT line: the source's lines and the destination's together must
#    be the lines of a run that stayed where it was, each once.
for mode in pv trap; do
	name=mig.migrate_$mode
	bounded /tmp/base.out --mode=$mode $G -- tests
	bs=$?
	incoming
	moved $name '^RESULT ' unix:$SOCK --mode=$mode $G -- tests
	verdicts /tmp/base.out >/tmp/base.v
	verdicts /tmp/src.out /tmp/dst.out >/tmp/moved.v
	diff /tmp/base.v /tmp/moved.v | sed -n "s/^[-+][^-+]/[$name] diff: &/p"
	test $ss = 0 && grep -q 'ligeiro: migrated in [0-9]* rounds' /tmp/src.out &&
		test $ds = $bs && test -s /tmp/base.v &&
		cmp -s /tmp/base.v /tmp/moved.v
	result $name $? "source $ss with $(verdicts /tmp/src.out | wc -l)" \
		"results, destination $ds with $(verdicts /tmp/dst.out | wc -l)," \
		"unmoved $bs with $(wc -l </tmp/base.v);" \
		"$(grep -o 'migrated in .*' /tmp/src.out)"
done

# 4. A guest that writes all over its memory as fast as it can: pre-copy
#    cannot catch up, and must still end, within its bound on rounds,
#    with the guest whole at the destination.  The bound counts the
#    pre-copy rounds (their lines); "migrated in R rounds" may count the
#    stop-and-copy as one more.
incoming
moved mig.dirty_converges '^dirty pass' unix:$SOCK $G -- dirty=$DIRTY_S
rounds=$(grep -c 'ligeiro: migrate round [0-9]*: ' /tmp/src.out)
fin=$(grep 'ligeiro: migrated in ' /tmp/src.out)
said=$(echo "$fin" | sed -n 's/.* in \([0-9][0-9]*\) rounds.*/\1/p')
down=$(echo "$fin" | sed -n 's/.*downtime \([0-9][0-9]*\) ms.*/\1/p')
echo "MIGRATE dirty rounds=$rounds said=${said:-none}" \
     "max=${max_rounds:-unknown} downtime_ms=${down:-none}"
test -n "$max_rounds" && test $ss = 0 && test -n "$said" &&
	test $rounds -ge 1 && test $rounds -le $max_rounds &&
	{ test "$said" = $rounds || test "$said" = $((rounds + 1)); } &&
	test $ds = 0 &&
	grep -q '^RESULT dirty PASS' /tmp/dst.out &&
	! grep -q '^RESULT ' /tmp/src.out
result mig.dirty_converges $? "source $ss after $rounds round lines," \
	"'$(grep -o 'migrated in .*' /tmp/src.out)'," \
	"bound ${max_rounds:-not in ligeiro.h}; destination $ds," \
	"'$(grep '^RESULT dirty' /tmp/dst.out)'"

# 5. The destination killed after the first round (its line, whatever
#    its number): the source says the migration failed and its guest goes
#    on to its normal end.
incoming
start /tmp/src.out --migrate=unix:$SOCK $G -- dirty=$DIRTY_S
src=$pid
wait_out '^dirty pass' /tmp/src.out $src
kill -USR1 $src
n=0
while ! grep -q 'ligeiro: migrate round [0-9]*: ' /tmp/src.out &&
      alive $src && [ $n -lt 6000 ]; do
	usleep 5000
	n=$((n + 1))
done
kill -9 $dst 2>/dev/null
before=$(grep -c 'ligeiro: migrate round ' /tmp/src.out)
reap $dst
reap $src
ss=$?
rm -f $SOCK
show mig.killed_destination/src /tmp/src.out
test $before -ge 1 && test $ss = 0 &&
	grep -q 'ligeiro: migration failed: .*; the guest goes on here' \
		/tmp/src.out &&
	! grep -q 'ligeiro: migrated in' /tmp/src.out &&
	grep -q '^RESULT dirty PASS' /tmp/src.out
result mig.killed_destination $? "killed after $before round lines;" \
	"source $ss, '$(grep -o 'migration failed: .*' /tmp/src.out)'," \
	"'$(grep '^RESULT dirty' /tmp/src.out)'"
# 6. The same over TCP on the loopback address, with a guest of
#    $BIG_MEM whose first round takes seconds: the source must say how far
#    it is while it works, and the guest must arrive whole.  A TCP address
#    off the loopback is refused on the command line: the stream has no
#    authentication.
start /tmp/dst.out --incoming=tcp:$TCP
dst=$pid
wait_out 'waiting for a guest on' /tmp/dst.out $dst
moved mig.migrate_tcp '^dirty pass' tcp:$TCP --mem=$BIG_MEM $G -- \
	dirty=$BIG_DIRTY_S
progress=$(grep -c 'ligeiro: migrating: round 0, [0-9]* of [0-9]* pages done' \
	/tmp/src.out)
test $ss = 0 && grep -q 'ligeiro: migrated in [0-9]* rounds' /tmp/src.out &&
	test "$progress" -ge 1 && test $ds = 0 &&
	grep -q '^RESULT dirty PASS' /tmp/dst.out &&
	! grep -q '^RESULT ' /tmp/src.out
result mig.migrate_tcp $? "source $ss with $progress progress lines," \
	"'$(grep -o 'migrated in .*' /tmp/src.out)'; destination $ds," \
	"'$(grep '^RESULT dirty' /tmp/dst.out)'"
bounded /tmp/bad.out --migrate=tcp:192.0.2.1:${TCP##*:} $G
st=$?
show mig.tcp_loopback_only /tmp/bad.out
test $st = "$LIGEIRO_EXIT_USAGE" && grep -q 'loopback' /tmp/bad.out
result mig.tcp_loopback_only $? "status $st, '$(head -n 1 /tmp/bad.out)'"
finish
