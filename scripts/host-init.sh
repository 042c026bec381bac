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

echo "ligeiro-host: up, kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus"
if insmod /lib/ligeiro.ko; then
	echo "ligeiro-host: ligeiro.ko loaded"
else
	echo "ligeiro-host: ligeiro.ko failed to load"
fi

status=0
for script in $(echo "$lgrun" | tr , ' '); do
	echo "ligeiro-host: running $script"
	sh "$script"
	st=$?
	echo "ligeiro-host: $script exited with $st"
	[ "$st" = 0 ] || status=$st
done

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
