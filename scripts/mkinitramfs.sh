#!/bin/sh
# mkinitramfs.sh - pack the QEMU host's whole world into one initramfs.
#
# The host needs no disk: busybox gives it a shell and tools, and the
# archive carries ligeiro.ko, the static launcher, the guest images and the
# host-side test scripts.  The ABI's numbers reach the shell scripts as
# /etc/ligeiro-abi.sh, generated from hv/uapi/ligeiro.h so that no script
# repeats a number of the contract.
#
# Usage: mkinitramfs.sh OUT.cpio.gz MODULE LAUNCHER GUEST_DIR [TOOL...]
# (TOOLs are static test helpers, installed in /bin.)
# book/01-setup.md describes the host; scripts/host-init.sh is its /init.
set -eu

out=$1 module=$2 launcher=$3 guests=$4
shift 4
top=$(cd "$(dirname "$0")/.." && pwd)
busybox=$(command -v busybox || echo /bin/busybox)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/lib" "$root/etc" "$root/guest" "$root/tests" \
	 "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"

cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
file "$root/bin/busybox" 2>/dev/null | grep -q 'dynamically linked' && {
	echo "mkinitramfs: $busybox is not static; install busybox-static" >&2
	exit 1
}
cp "$top/scripts/host-init.sh" "$root/init"
cp "$module" "$root/lib/ligeiro.ko"
cp "$launcher" "$root/bin/ligeiro"
for tool in "$@"; do
	cp "$tool" "$root/bin/"
done
cp "$guests"/*.elf "$root/guest/"
cp "$top"/tests/host/*.sh "$root/tests/"
for lab in "$top"/labs/*/grade.sh; do	# the labs' graders (labs/README.md)
	[ -f "$lab" ] || continue
	mkdir -p "$root/labs/$(basename "$(dirname "$lab")")"
	cp "$lab" "$root/labs/$(basename "$(dirname "$lab")")/"
done
cp "$top/scripts/demo.sh" "$root/demo.sh"
cp "$top/scripts/motd" "$root/etc/motd"
sed -n -e 's/^#define[[:space:]]\{1,\}\(LIGEIRO_[A-Z0-9_]*\)[[:space:]]\{1,\}\(0x[0-9a-fA-F]*\|[0-9][0-9]*\)\([[:space:]].*\)\{0,1\}$/\1=$((\2))/p' \
	-e 's/^#define[[:space:]]\{1,\}\(LIGEIRO_[A-Z0-9_]*\)[[:space:]]\{1,\}\("[^"]*"\).*$/\1=\2/p' \
	"$top/hv/uapi/ligeiro.h" >"$root/etc/ligeiro-abi.sh"
chmod +x "$root/init"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
