#!/bin/sh
# deps.sh - install what building and testing ligeiro needs, and nothing else.
#
# `make run` and `make check` call this first, so that a fresh Debian 12 or
# Ubuntu machine goes from `git clone` to a running system with no manual
# step.  It asks apt only for what is missing (a warm machine pays a few
# dpkg-query calls), uses sudo when not root, and stops with a clear message
# on a system without apt.  The host *kernel image* is not installed here:
# scripts/kernel.sh unpacks it into build/, because it must never replace
# the kernel of the machine you are working on.
#
# Usage: scripts/deps.sh [KVER]    (default: what `scripts/kernel.sh kver` says)
# The book's "Getting started" chapter (book/01-setup.md) explains the setup.
set -eu

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null; then
	echo "deps: this machine has no apt; ligeiro's setup supports Debian 12" \
	     "and Ubuntu. Install by hand: gcc make qemu-system-x86" \
	     "grub-pc-bin grub-common xorriso mtools busybox-static cpio" \
	     "python3-pytest doxygen graphviz sparse, and Debian 12's kernel headers." >&2
	exit 1
fi

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "deps: need root or sudo to run: $*" >&2
		exit 1
	fi
}

install_missing() {
	missing=""
	for p in "$@"; do
		st=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
		[ "$st" = "install ok installed" ] || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	echo "deps: installing:$missing"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing
}

# A fresh machine may never have fetched its package lists.
if ! apt-cache show gcc >/dev/null 2>&1; then
	echo "deps: apt has no package lists yet; running apt-get update"
	as_root apt-get update -qq
fi

# On Debian 12 the kernel headers are an ordinary package.  Elsewhere
# (Ubuntu) scripts/kernel.sh fetches them from Debian's archive, whose
# signatures need Debian's keyring, and the module needs Debian's compiler.
if apt-cache show linux-headers-amd64 2>/dev/null |
		grep -q '^Depends: linux-headers-6\.1\.'; then
	kver=${1:-$("$(dirname "$0")/kernel.sh" kver)}
	headers="linux-headers-$kver"
else
	install_missing debian-archive-keyring gcc-12
	headers=""
fi

# The tools, each used by a step of the build or the tests: qemu runs the
# host and the native guest, grub/xorriso/mtools make the ISO, busybox and
# cpio make the host's initramfs, sparse checks the module, doxygen the book
# and graphviz its figures; chromium renders the built book for
# tests/test_site.py and prints `make book-pdf`, whose pages poppler-utils'
# pdfinfo counts;
# python3-yaml reads the labs' CI workflow in its test; python3-matplotlib
# draws `make bench`'s charts.
install_missing gcc make libc6-dev qemu-system-x86 grub-pc-bin grub-common \
	xorriso mtools busybox-static cpio gzip python3 python3-pytest python3-yaml \
	python3-matplotlib \
	doxygen graphviz sparse kmod ca-certificates chromium poppler-utils \
	$headers

# `make check-debug` builds a kernel (scripts/debugkernel.sh): Kconfig's
# flex and bison, objtool's libelf, the signing key's openssl, bc for the
# timeconst header, xz for the source package and the image.
if [ "${LIGEIRO_DEPS_KERNEL:-0}" = 1 ]; then
	install_missing flex bison bc libelf-dev libssl-dev xz-utils
fi
