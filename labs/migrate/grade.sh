# grade.sh - the migrate lab's own checks, inside the QEMU host.
#
# Run by `make grade LAB=migrate` (labs/grade.py) after migrate.sh, in the
# same boot.  Two live migrations whose shape depends on lgseed: a quiet
# guest (count, guest/user/count.c) asked to leave at a step the seed
# picks, which must go on at the destination from the next number after
# few rounds; and a busy one (dirty, guest/user/dirty.c) of a size the
# seed picks, asked after a delay it picks, whose round lines must add
# up: each round sends exactly the pages the one before found dirty.
# labs/migrate/README.md says what each check means; the launcher's
# lines are those of book/17-migration.md, "Pre-copy".
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
DISK=/tmp/lab.img
SOCK=/tmp/lab.sock
seed=${lgseed:-1}
COUNT=30			# count's steps: about 50 ms each
FIRST_STEP=3			# the earliest step at which count is asked
STEPS_SEEDED=12			# and how many later steps the seed may pick
DIRTY_S=8			# dirty's seconds: longer than a migration takes
MEM_BASE=32			# dirty's guest: MEM_BASE MiB...
MEM_STEP=16			# ...plus a seeded number of MEM_STEP MiB
MEM_STEPS=4
DELAY_MS=400			# at most this long between dirty's start and the ask
SOCK_WAITS=600			# the destination's socket: 50 ms tries
US_PER_MS=1000
at=$((FIRST_STEP + seed % STEPS_SEEDED))
mem=$((MEM_BASE + seed / STEPS_SEEDED % MEM_STEPS * MEM_STEP))M
delay=$((seed % DELAY_MS))	# ms from dirty's first line to the ask
max_rounds=$LIGEIRO_MIGRATE_ROUNDS

# The source's round lines, as "round sent dirtied", in order.
rounds() { sed -n 's/.*ligeiro: migrate round \([0-9]*\): \([0-9]*\) pages sent, \([0-9]*\) dirtied, .*/\1 \2 \3/p' "$1"; }

# migrate TAG SRC-ARGS...: a destination waiting on $SOCK with
# $dst_args, and a source with SRC-ARGS sent SIGUSR1 once it printed
# $ask (then after $after ms); ss and ds are their statuses, and their
# output is in /tmp/lab.src.out and /tmp/lab.dst.out, shown under TAG.
migrate() {
	tag=$1
	shift
	rm -f $SOCK
	start /tmp/lab.dst.out --incoming=unix:$SOCK $dst_args
	dst=$pid
	n=0
	while [ ! -e $SOCK ] && alive $dst && [ $n -lt $((SOCK_WAITS * slow)) ]; do
		usleep 50000
		n=$((n + 1))
	done
	start /tmp/lab.src.out "$@"
	src=$pid
	wait_out "$ask" /tmp/lab.src.out $src
	usleep $((after * US_PER_MS))
	kill -USR1 $src
	reap $src
	ss=$?
	reap $dst
	ds=$?
	show $tag/src /tmp/lab.src.out
	show $tag/dst /tmp/lab.dst.out
	said=$(sed -n 's/.*ligeiro: migrated in \([0-9][0-9]*\) rounds.*/\1/p' \
		/tmp/lab.src.out)
	nrounds=$(rounds /tmp/lab.src.out | wc -l)
}

# Whether "migrated in N rounds" counts the round lines, or one more for
# the stop-and-copy.
said_rounds() {
	test -n "$said" &&
		{ test "$said" = $nrounds || test "$said" = $((nrounds + 1)); }
}

# 1. count, on a disk, asked at step $at: it writes a few pages between
#    two steps, so pre-copy stops early, well before the bound; the steps
#    of the source and of the destination together are 1 to COUNT, each
#    once, and the disk ends with COUNT.
mkdisk $DISK
dst_args=--disk=$DISK ask="^count $at\$" after=0
migrate lab.quiet --disk=$DISK --migrate=unix:$SOCK $G -- count=$COUNT
counts /tmp/lab.src.out /tmp/lab.dst.out | awk -v n=$COUNT '
	{ if ($1 != NR) bad = 1 } END { exit bad || NR != n }'
test $? = 0 && test $ss = 0 && test $ds = 0 && said_rounds &&
	test $nrounds -ge 1 && test $nrounds -lt $max_rounds &&
	grep -q "^RESULT count PASS $COUNT " /tmp/lab.dst.out &&
	! grep -q '^RESULT ' /tmp/lab.src.out &&
	test "$(disk_count $DISK)" = $COUNT
result lab.quiet $? "asked at step $at: source $ss after $nrounds round" \
	"lines, '$(grep -o 'migrated in .*' /tmp/lab.src.out)';" \
	"destination $ds from count $(counts /tmp/lab.dst.out | head -n 1)," \
	"'$(grep '^RESULT count' /tmp/lab.dst.out)', disk $(disk_count $DISK)"
rm -f $DISK

# 2. dirty in $mem, asked $delay ms into its run: it dirties more than a
#    round can send, so there are at least two rounds and at most the
#    bound; the lines count from 0, each round sends what the one before
#    found dirty, and every word arrives as last written.
dst_args= ask='^dirty pass' after=$delay
migrate lab.rounds --mem=$mem --migrate=unix:$SOCK $G -- dirty=$DIRTY_S
rounds /tmp/lab.src.out | awk '
	{ if ($1 != NR - 1 || (NR > 1 && $2 != dirtied)) bad = 1
	  dirtied = $3 }
	END { exit bad }'
test $? = 0 && test $ss = 0 && test $ds = 0 && said_rounds &&
	test $nrounds -ge 2 && test $nrounds -le $max_rounds &&
	grep -q '^RESULT dirty PASS' /tmp/lab.dst.out &&
	! grep -q '^RESULT ' /tmp/lab.src.out
result lab.rounds $? "$mem asked after $delay ms: source $ss after" \
	"$nrounds round lines (bound $max_rounds)," \
	"'$(grep -o 'migrated in .*' /tmp/lab.src.out)'; destination $ds," \
	"'$(grep '^RESULT dirty' /tmp/lab.dst.out)'"
finish
