# virtio.sh - the launcher's virtio devices, driven by the guest's own
# drivers, in pv mode and in trap mode (book/09-virtio.md).
#
# Booted by tests/test_virtio.py under -cpu qemu64 and -cpu max.  The
# guest's lines pass through renamed "RESULT <mode>.<check>"; the disk's
# bytes are summed here and compared with the pattern by the harness.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
DISK=/tmp/disk.img
stat() { sed -n "s/^ligeiro-stats: $1 //p" "$2"; }
# 1 MiB of 0xee: whatever disktest does not write must stay so.
mkdisk() { dd if=/dev/zero bs=1024 count=1024 2>/dev/null | tr '\000' '\356' >$DISK; }
mkdisk
echo "DISKSUM blank $(md5sum <$DISK | cut -d' ' -f1)"

for mode in pv trap; do
	# 1. Write a pattern, flush, read it back; then the file itself.
	mkdisk
	ligeiro --mode=$mode --disk=$DISK $G -- disktest >/tmp/disk.out 2>&1
	st=$?
	sed -n "s/^RESULT /RESULT $mode./p; s/^DISK /DISK $mode /p" /tmp/disk.out
	result $mode.disktest $st "disktest exited with $st"
	echo "DISKSUM $mode $(md5sum <$DISK | cut -d' ' -f1)"

	# 2. A read-only disk refuses the writes and stays as it was.
	mkdisk
	ligeiro --mode=$mode --disk=$DISK --disk-ro $G -- disktest >/tmp/ro.out 2>&1
	st=$?
	echo "DISKSUM $mode-ro $(md5sum <$DISK | cut -d' ' -f1)"
	check $mode.disk_ro "disktest on a read-only disk exited with $st" -- \
		sh -c "test $st != 0 && grep -q 'RESULT disk.write FAIL' /tmp/ro.out"

	# 3. Randomness, and the console both ways: the shell reads stdin.
	ligeiro --mode=$mode $G -- rngtest >/tmp/rng.out 2>&1
	st=$?
	sed -n "s/^RESULT /RESULT $mode./p" /tmp/rng.out
	result $mode.rngtest $st "rngtest exited with $st"
	printf 'help\nexit\n' | ligeiro --mode=$mode $G -- shell >/tmp/sh.out 2>&1
	st=$?
	grep '^programs:' /tmp/sh.out
	check $mode.console_input "the shell read two lines, status $st" -- \
		sh -c "test $st = 0 && grep -q '^programs: tests' /tmp/sh.out"

	# 4. A guest that breaks its own ring: the device refuses the chain,
	#    asks for a reset and says why; nothing else happens.
	mkdisk
	ligeiro --mode=$mode --stats --disk=$DISK $G -- badring >/tmp/bad.out 2>&1
	st=$?
	sed -n "s/^RESULT /RESULT $mode./p" /tmp/bad.out
	grep 'virtio-blk' /tmp/bad.out
	check $mode.badring_reported "status $st, faults $(stat virtio.blk.faults /tmp/bad.out)" -- \
		sh -c "test $st = 0 && test $(stat virtio.blk.faults /tmp/bad.out) -ge 1 &&
		       grep -q 'virtio-blk: .*needs a reset' /tmp/bad.out"

	# 5. What a 4 KiB read costs, with and without EVENT_IDX, and with
	#    the driver sleeping for every answer (nopoll): two sizes,
	#    the harness divides the difference.  Far apart, on an 8 MiB
	#    disk: trap mode's boot varies by a few hundred exits (the PIT
	#    calibration is a loop of port reads as long as 50 ms allow).
	dd if=/dev/zero of=/tmp/big.img bs=1024 count=8192 2>/dev/null
	for ev in on off nopoll; do
		opt=
		[ $ev = off ] && opt=--no-event-idx
		[ $ev = nopoll ] && opt=--no-kick-poll
		for n in 256 2048; do
			ligeiro --mode=$mode --stats $opt --disk=/tmp/big.img $G -- \
				diskread=$n >/tmp/dr.out 2>&1
			st=$?
			echo "VIOCOST $mode $ev $n" \
			     "entries=$(stat entries /tmp/dr.out)" \
			     "notifies=$(stat virtio.blk.notifies /tmp/dr.out)" \
			     "interrupts=$(stat virtio.blk.interrupts /tmp/dr.out)" \
			     "requests=$(stat virtio.blk.requests /tmp/dr.out)"
			result vio.$mode.$ev.$n $st "diskread=$n exited with $st"
		done
	done
done
finish
