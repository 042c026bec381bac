#!/bin/sh
# qemu.sh - the one place that knows how ligeiro starts QEMU.
#
#   qemu.sh native ISO               the guest alone, booted by GRUB
#   qemu.sh host KERNEL INITRD [KERNEL-ARGS...]
#                                    the host Linux with ligeiro inside
#
# `make run`, `make debug` and the test harness all come through here, so
# what a student runs by hand is exactly what CI runs.  Settings come from
# the environment:
#   ACCEL=tcg|kvm   software emulation (default; needs no /dev/kvm) or KVM
#   CPU=qemu64|max  the CPU model; `max` adds SMEP, SMAP, UMIP, PKU, LA57...
#   MEM=...         RAM (host: 1G, native guest: 128M)
#   SMP=N           vCPUs of the host (2)
#   LA57=1          let the host use 5-level paging (omit `no5lvl`): the
#                   module must then refuse to load
#   QEMU_ARGS=...   more options, e.g. "-icount shift=0" for counts of
#                   instructions instead of time (book/04-world-switch.md)
#   DEBUG=1         log every exception and CPU reset to qemu.log, open a
#                   gdb stub on :1234 and wait for it (see book/01-setup.md)
# The serial port is the terminal (or the harness's pipe); isa-debug-exit turns the
# guest's or host's final byte V into QEMU's exit status (V << 1) | 1.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
port=$(sed -n 's/^#define LIGEIRO_DEBUG_EXIT_PORT[[:space:]]*\(0x[0-9a-f]*\).*/\1/p' \
	"$top/hv/uapi/ligeiro.h")
accel=${ACCEL:-tcg}
if [ "$accel" = kvm ] && [ ! -w /dev/kvm ]; then
	echo "qemu.sh: ACCEL=kvm but /dev/kvm is not usable here; use ACCEL=tcg" >&2
	exit 2
fi

set -- "$@"
what=${1:?usage: qemu.sh native ISO | host KERNEL INITRD [ARGS]}
shift

# A person at a terminal gets QEMU's Ctrl-A escapes (Ctrl-A X quits) and
# Ctrl-C goes to the machine; a test feeds no input and wants neither.
if [ -t 0 ]; then
	serial="-serial mon:stdio"
else
	serial="-serial stdio -monitor none"
fi
common="-accel $accel -cpu ${CPU:-qemu64} -M pc -no-reboot -net none
	-display none $serial
	-device isa-debug-exit,iobase=$port,iosize=0x04 ${QEMU_ARGS:-}"
if [ "${DEBUG:-0}" = 1 ]; then
	common="$common -d int,cpu_reset -D qemu.log -s -S"
	echo "qemu.sh: waiting for gdb on :1234 ('target remote :1234');" \
	     "exceptions are logged to qemu.log" >&2
fi

case "$what" in
native)
	# shellcheck disable=SC2086
	exec qemu-system-x86_64 $common -m "${MEM:-128M}" -cdrom "$1"
	;;
host)
	kernel=$1 initrd=$2
	shift 2
	args="console=ttyS0 panic=-1"
	[ "${LA57:-0}" = 1 ] || args="$args no5lvl"
	args="$args $*"
	[ "${DEBUG:-0}" = 1 ] && args="$args nokaslr"
	# shellcheck disable=SC2086
	exec qemu-system-x86_64 $common -m "${MEM:-1G}" -smp "${SMP:-2}" \
		-kernel "$kernel" -initrd "$initrd" -append "$args"
	;;
*)
	echo "qemu.sh: unknown target '$what'" >&2
	exit 2
	;;
esac
