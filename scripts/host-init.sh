#!/bin/busybox sh
# host-init.sh - /init of the QEMU host: the first program of the host Linux.
#
# The host is a real Debian 6.1 kernel booted by QEMU from an initramfs that
# holds busybox, ligeiro.ko, the launcher and the guest images.  This init
# loads the module, runs the scripts named by `lgrun=` on the kernel command
# line, comma-separated (the kernel hands unknown name=value words to init
# as environment),
# shows the module's kernel messages, and powers the machine off through
# QEMU's isa-debug-exit port, so QEMU's exit status tells the harness
# whether the script succeeded.  With `lgshell=1` it opens a shell first:
# that is `make run`.
#
# scripts/mkinitramfs.sh builds the image; book/16-testing.md explains how
# the tests drive it.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
. /etc/ligeiro-abi.sh
# No network, but the loopback interface: a migration may use tcp:.
ip link set lo up

echo "ligeiro-host: up, kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus"
if insmod /lib/ligeiro.ko; then
	echo "ligeiro-host: ligeiro.ko loaded"
else
	echo "ligeiro-host: ligeiro.ko failed to load"
fi

# The debugging kernel of `make check-debug` (scripts/debugkernel.sh) has
# kmemleak: a scan after each script and one more at the end, and what
# they found (an object is reported when it stays unreferenced and
# unchanged across two scans, so a script's leak shows after the next
# script, or at the end); tests/harness.py fails the boot on an
# "unreferenced object".  Kernels without kmemleak skip this, and leave
# debugfs unmounted.
kmemleak=/sys/kernel/debug/kmemleak
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -e $kmemleak ] || umount /sys/kernel/debug 2>/dev/null
leaks() {
	[ -e $kmemleak ] || return 0
	sleep 5		# kmemleak skips objects younger than five seconds
	t0=$(cut -d. -f1 /proc/uptime)
	echo scan >$kmemleak || echo "ligeiro-host: kmemleak could not scan"
	cat $kmemleak
	echo clear >$kmemleak
	echo "ligeiro-host: kmemleak scanned after $1 ($(($(cut -d. -f1 /proc/uptime) - t0)) s)"
}

status=0
for script in $(echo "$lgrun" | tr , ' '); do
	echo "ligeiro-host: running $script"
	sh "$script"
	st=$?
	echo "ligeiro-host: $script exited with $st"
	[ "$st" = 0 ] || status=$st
	leaks "$script"
done
leaks "the last script, again"

echo "ligeiro-host: module messages:"
dmesg | grep -i ligeiro

if [ "$lgshell" = 1 ]; then
	cat /etc/motd
	setsid cttyhack sh -l
fi

echo "ligeiro-host: powering off"
sync
code=$LIGEIRO_GUEST_OK
[ "$status" = 0 ] || code=$LIGEIRO_GUEST_FAILED
# QEMU exits with (code << 1) | 1 when this byte reaches its debug port.
printf "\\$(printf %o "$code")" |
	dd of=/dev/port bs=1 seek="$LIGEIRO_DEBUG_EXIT_PORT" count=1 2>/dev/null
poweroff -f
