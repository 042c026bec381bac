# reboot.sh - guests saved in one boot of the host and restored in the
# next (issue 14: "on the same host or after a host reboot"; migrate.sh
# does the same host).
#
# Booted twice by tests/test_migrate.py, each time in a short boot of its
# own under -cpu qemu64, with the phase on the kernel command line:
#
#   lgphase=save     count runs with --save on a fresh disk and gets
#                    SIGUSR1 after "count 5"; the saved file and the disk
#                    are then dumped on the console (lib.sh's dump), and
#                    the harness takes them out of the transcript;
#   lgphase=restore  the harness has put them in this boot's initramfs,
#                    under /saved, and says, for each guest G, where its
#                    count stopped (lglast_G=N) and the first boot's TSC
#                    when it started and when it was saved (lgstart_G,
#                    lgsaved_G); each guest is restored with its disk and
#                    must go on from N + 1 to the end.
#
# The second boot has another KASLR slide, so the module and its Switcher
# sit at other addresses, and the TSC was calibrated again: nothing of
# the first host may be left in the saved file.  A "REBOOT" line in each
# boot says which boot it was, where the Switcher is, and the TSC rate.
#
# The TSC also starts again from zero when a host boots, and the guest's
# clock is its rdtsc less the TSC it read at its own boot (guest/kernel/
# time.c).  The saved state carries the guest's TSC, and the restored
# guest's rdtsc goes on from it (hv/emulate.c, answer_rdtsc()).  The
# guests pv and trap are restored once this host's TSC (tests/host/tsc.c
# reads it) has passed the first one's at their save; the guest young,
# started late in the first boot, a little before this host's TSC reaches
# the first's at its start.  Without the saved TSC, young's clock would
# wrap past zero, and the count that slept past that point would sleep
# on for ever.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
COUNT=40		# count's steps: about 50 ms each
SAVE_AT=5		# SIGUSR1 once count has printed this
SAVED=/saved		# where the second boot finds the first one's files
YOUNG_AT=8		# the first boot's uptime when young starts (s)
YOUNG_EARLY=0.8		# young is restored this much before its start (s)
YOUNG_BOUND=10		# a young count still running after this is hung (s)
LATER=0.5		# pv and trap: this long after their save (s)

switcher=$(awk '$3 == "ligeiro_switcher_start" { print $1 }' /proc/kallsyms)
tsc=$(dmesg | sed -nE 's/.*tsc: (Detected|Refined TSC clocksource calibration:?) ([0-9.]+ MHz).*/\2/p' |
	tail -n 1 | tr -d ' ')
echo "REBOOT phase=${lgphase:-none}" \
     "boot_id=$(cat /proc/sys/kernel/random/boot_id)" \
     "switcher=${switcher:-unknown} tsc=${tsc:-unknown}"

# until_up SECONDS: wait until the host has been up that long.
until_up() {
	while awk -v s="$1" '{ exit !($1 < s) }' /proc/uptime; do
		usleep 10000
	done
}
# until_tsc TICKS: wait until the TSC has passed TICKS.
until_tsc() {
	while [ "$(tsc | awk -v t="$1" '{ print $1 < t }')" = 1 ]; do
		usleep 10000
	done
}
# ticks SECONDS [FROM]: FROM (0) plus SECONDS in TSC ticks, at this
# host's rate (the kernel's message, in MHz).
ticks() {
	awk -v s="$1" -v f="${2:-0}" -v mhz="${tsc%MHz}" \
		'BEGIN { printf "%.0f\n", f + s * mhz * 1000000 }'
}

# save G MODE: run count in MODE as guest G until SAVE_AT, save it, check
# the save as migrate.sh does, and dump the file and the disk.
save() {
	name=reboot.save_$1 img=/tmp/$1.img file=/tmp/$1.save
	mkdisk $img
	rm -f $file
	tsc0=$(tsc)
	start /tmp/save.out --mode=$2 --disk=$img --save=$file $G -- \
		count=$COUNT
	wait_out "^count $SAVE_AT\$" /tmp/save.out $pid
	kill -USR1 $pid
	reap $pid
	ss=$?
	tsc1=$(tsc)
	show $name /tmp/save.out
	last=$(counts /tmp/save.out | tail -n 1)
	saved=$(disk_count $img)
	test $ss = 0 && grep -q "ligeiro: saved .* to $file" /tmp/save.out &&
		! grep -q '^RESULT ' /tmp/save.out && test -s $file &&
		test -n "$last" && test "$last" -lt $COUNT &&
		steps /tmp/save.out 1 "$last" &&
		{ test "$saved" = "$last" || test "$saved" = $((last - 1)); }
	result $name $? "last=${last:-none} disk=${saved:-empty}" \
		"status=$ss bytes=$(wc -c <$file 2>/dev/null || echo 0)" \
		"tsc_start=$tsc0 tsc_save=$tsc1 mode=$2"
	if [ -s $file ]; then
		dump $1.save $file
		dump $1.img $img
	fi
}

# restore G AT BOUND: the first boot's guest G, from its file and disk,
# once this host's TSC has passed AT; killed if still running after BOUND
# seconds.
restore() {
	name=reboot.restore_$1 img=$SAVED/$1.img file=$SAVED/$1.save
	eval last=\${lglast_$1:-}
	case "$last" in ''|*[!0-9]*) last= ;; esac
	before=$(disk_count $img)
	until_tsc "$2"
	at=$(tsc)
	start /tmp/restore.out --restore=$file --disk=$img
	reap $pid "$3"
	rs=$?
	show $name /tmp/restore.out
	first=$(counts /tmp/restore.out | head -n 1)
	end=$(counts /tmp/restore.out | tail -n 1)
	test $rs = 0 && went_on /tmp/restore.out "$last" $img
	result $name $? "first=${first:-none} last=${end:-none}" \
		"disk=$(disk_count $img) status=$rs saved_last=${last:-none}" \
		"disk_before=${before:-empty} tsc_restore=$at"
}

case "$lgphase" in
save)
	save pv pv
	save trap trap
	until_up $YOUNG_AT
	save young pv
	;;
restore)
	restore young "$(ticks -$YOUNG_EARLY "${lgstart_young:-0}")" \
		$YOUNG_BOUND
	restore pv "$(ticks $LATER "${lgsaved_pv:-0}")" 120
	restore trap "$(ticks $LATER "${lgsaved_trap:-0}")" 120
	;;
*)
	result reboot.phase 1 "lgphase='$lgphase', not save or restore"
	;;
esac
finish
