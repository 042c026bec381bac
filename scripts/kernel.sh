#!/bin/sh
# kernel.sh - the pinned host kernel: which one, and its files in build/.
#
# The QEMU host runs Debian 12's own 6.1 kernel, and ligeiro.ko must be
# built against exactly the headers of that image: a module built for
# 6.1.0-55 will not load into 6.1.0-56.  So one name, KVER, picks both.
#
#   kernel.sh kver         print the default KVER: the release that Debian's
#                          linux-headers-amd64 meta-package depends on now
#   kernel.sh fetch KVER DIR
#                          unpack linux-image-KVER into DIR (vmlinuz, config,
#                          System.map) with `apt-get download` + `dpkg-deb -x`:
#                          no root, no maintainer scripts, the machine's own
#                          kernel untouched.  Where the system apt has no
#                          linux-headers-KVER (Ubuntu), the headers are
#                          unpacked into DIR/root too.
#   kernel.sh source KVER DIR
#                          unpack Debian's source of that kernel into
#                          DIR/linux-source-6.1: the linux-source-6.1 package
#                          of the very version linux-image-KVER has (same
#                          upstream release and Debian patches), downloaded
#                          and unpacked the same way.  scripts/debugkernel.sh
#                          builds a debugging host kernel from it.
#
# On Debian 12 the system's apt is used.  Elsewhere a private apt
# configuration under build/apt points at Debian's bookworm archive, signed
# by debian-archive-keyring; LIGEIRO_PRIVATE_APT=1 forces that path.
# Read book/01-setup.md for the whole set-up story.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
papt=$top/build/apt

use_private_apt() {
	[ "${LIGEIRO_PRIVATE_APT:-0}" = 1 ] && return 0
	! apt-cache show linux-headers-amd64 2>/dev/null | grep -q '^Depends: linux-headers-6\.1\.'
}

# apt with its lists, cache and sources in build/apt (never the system's).
papt_get() {
	mkdir -p "$papt/lists/partial" "$papt/cache/archives/partial"
	[ -f "$papt/sources.list" ] || cat >"$papt/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
SRC
	"$@" -o Dir::Etc::SourceList="$papt/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$papt/lists" \
		-o Dir::Cache="$papt/cache" \
		-o Dir::State::Status=/dev/null \
		-o APT::Architecture=amd64 -o Debug::NoLocking=1
}

# The private lists are fetched once, on first use.
papt_lists() {
	[ -n "$(ls "$papt/lists" 2>/dev/null | grep Packages)" ] ||
		papt_get apt-get -qq update >&2
}

apt_cache() {
	if use_private_apt; then
		papt_lists
		papt_get apt-cache "$@"
	else
		apt-cache "$@"
	fi
}

apt_download() {
	if use_private_apt; then
		papt_lists
		papt_get apt-get -qq download "$@"
	else
		apt-get -qq download "$@"
	fi
}

kver() {
	v=$(apt_cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' |
		head -n 1)
	[ -n "$v" ] || {
		echo "kernel.sh: cannot find Debian's linux-headers-amd64;" \
		     "run 'apt-get update' or set KVER=6.1.0-NN-amd64" >&2
		exit 1
	}
	echo "$v"
}

fetch() {
	kv=$1 dir=$2
	[ -f "$dir/vmlinuz" ] && return 0
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cd "$tmp"
	apt_download "linux-image-$kv" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true
	ls linux-image-*.deb >/dev/null 2>&1 || {
		echo "kernel.sh: could not download linux-image-$kv" \
		     "(is KVER right? is deb.debian.org reachable?)" >&2
		exit 1
	}
	if use_private_apt; then
		common=$(echo "$kv" | sed 's/-amd64$/-common/')
		apt_download "linux-headers-$kv" "linux-headers-$common" \
			linux-kbuild-6.1 >&2
	fi
	mkdir -p "$dir/root"
	for deb in *.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	# The headers' Makefile includes the -common tree by absolute path.
	hdr="$dir/root/usr/src/linux-headers-$kv/Makefile"
	[ -f "$hdr" ] && sed -i "s|include /usr/src/|include $dir/root/usr/src/|" "$hdr"
	cp "$dir/root/boot/vmlinuz-$kv" "$dir/vmlinuz.tmp"
	cp "$dir/root/boot/config-$kv" "$dir/config"
	cp "$dir/root/boot/System.map-$kv" "$dir/System.map"
	rm -rf "$dir/root/lib/modules"	# 400 MB we never load
	mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
}

# linux-source-6.1 carries every 6.1 release apt knows; the one we want has
# linux-image-KVER's version (6.1.0-57-amd64 is 6.1.192-3).
source_() {
	kv=$1 dir=$2
	[ -f "$dir/linux-source-6.1/Makefile" ] && return 0
	ver=$(apt_cache show "linux-image-$kv" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || {
		echo "kernel.sh: apt knows no linux-image-$kv" >&2
		exit 1
	}
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/src.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt_download "linux-source-6.1=$ver" 2>&1 |
		grep -v '^W: Download is performed unsandboxed' >&2 || true)
	ls "$tmp"/linux-source-6.1_*.deb >/dev/null 2>&1 || {
		echo "kernel.sh: could not download linux-source-6.1=$ver" >&2
		exit 1
	}
	dpkg-deb -x "$tmp"/linux-source-6.1_*.deb "$tmp/root"
	tar -C "$tmp" -xaf "$tmp/root/usr/src/linux-source-6.1.tar.xz"
	rm -rf "$dir/linux-source-6.1"
	mv "$tmp/linux-source-6.1" "$dir/linux-source-6.1"
	echo "$ver" >"$dir/linux-source-6.1/.debian-version"
}

case "${1:-}" in
kver)	kver ;;
fetch)	fetch "${2:?KVER}" "${3:?DIR}" ;;
source)	source_ "${2:?KVER}" "${3:?DIR}" ;;
*)	echo "usage: kernel.sh kver | fetch KVER DIR | source KVER DIR" >&2; exit 2 ;;
esac
