#!/bin/sh
# debugkernel.sh - a debugging host kernel, and ligeiro.ko and an initramfs
# for it, all under build/debug (`make check-debug`, book/16-testing.md).
#
# The tests' host runs Debian's own 6.1 image.  This builds the *same*
# kernel - Debian's source package of that very version, started from
# Debian's config of that image - with the kernel's own bug detectors on:
#
#   KASAN (generic, outline)  every load and store checked against shadow
#                             memory: use-after-free, out-of-bounds, in
#                             the module as in the kernel
#   KFENCE                    sampled guarded allocations (cheap, and on
#                             in production kernels)
#   DEBUG_KMEMLEAK            unreferenced allocations, scanned on demand
#                             (no auto-scan thread: host-init.sh scans
#                             after each script)
#   PROVE_LOCKING (lockdep)   lock-order cycles, locks taken in the wrong
#                             context, PROVE_RCU's suspicious RCU usage
#   DEBUG_ATOMIC_SLEEP        sleeping with a spinlock held, preemption or
#                             interrupts off
#   DEBUG_OBJECTS_TIMERS/WORK an hrtimer or work item freed while armed
#   DEBUG_LIST                (Debian has it on already)
#
# What is taken out, and why.  `make localmodconfig` with a module list of
# two turns every other module off: the host loads ligeiro.ko alone (see
# scripts/host-init.sh), but ligeiro uses what Linux exports for KVM only,
# fpu_alloc_guest_fpstate() and its kin when CONFIG_KVM is set and
# asm_exc_nmi when CONFIG_KVM_INTEL is, so kvm and kvm_intel stay modules,
# built and never loaded.  That leaves Debian's built-in part - the entry
# code, paging, mitigations and paravirt exactly as
# Debian ships them: PTI, retpolines and the other speculation
# mitigations, FSGSBASE, PARAVIRT(_XXL) and XEN, X86_5LEVEL, UMIP, SMAP and
# SMEP handling (X86_KERNEL_IBT is off in Debian's 6.1 too) - plus the
# serial console, devtmpfs, the initramfs, ACPI power-off, perf's hardware
# breakpoints, kallsyms, debugfs, /dev/port.  Debug information (DWARF and
# BTF) is off: it only costs build time and disk here.  Module signing
# stays as Debian has it, not enforced (the lockdown LSM selects
# MODULE_SIG; the build makes a throwaway key, and the unsigned ligeiro.ko
# loads as it does into Debian's image); MODVERSIONS is off, which a
# kernel built for one module does not need; LOCALVERSION says what it
# is.  Debian's built-in part builds in 11 to 44 minutes on two cores,
# at nice 19 beside the tests, depending on the machine.
#
# Usage: debugkernel.sh KVER LAUNCHER GUEST_DIR [TOOL...]
# (make check-debug passes the pinned KVER and what it built for the host;
# the last three are mkinitramfs.sh's.)
# Results: build/debug/vmlinuz, build/debug/initramfs.cpio.gz,
# build/debug/hv/ligeiro.ko; the kernel's log in build/debug/build.log.
# The kernel is built once: again only when the config this script makes
# differs from the one build/debug/vmlinuz was built with.  The machine's
# tests run alongside, so the build runs at nice 19 on JOBS (2) jobs.
set -eu

[ $# -ge 3 ] || {
	echo "usage: debugkernel.sh KVER LAUNCHER GUEST_DIR [TOOL...]" >&2
	exit 2
}
kv=$1 launcher=$2 guests=$3
shift 3
here=$(pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/debug
src=$out/linux-source-6.1
jobs=${JOBS:-2}
mkdir -p "$out"

"$top/scripts/kernel.sh" fetch "$kv" "$top/build/kernel/$kv"
"$top/scripts/kernel.sh" source "$kv" "$out"

# The config: Debian's, every module off, then the detectors.
cd "$src"
cp "$top/build/kernel/$kv/config" .config
printf '%s\n' "Module Size Used by" "kvm_intel 0 0" "kvm 0 1 kvm_intel" \
	>"$out/lsmod"
make -s LSMOD="$out/lsmod" localmodconfig </dev/null >"$out/config.log" 2>&1
scripts/config --file .config \
	--set-str LOCALVERSION -ligeiro-debug \
	--disable LOCALVERSION_AUTO \
	--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	--disable DEBUG_INFO_DWARF4 --disable DEBUG_INFO_DWARF5 \
	--enable DEBUG_INFO_NONE \
	--disable DEBUG_INFO_BTF \
	--disable MODULE_SIG_ALL \
	--disable MODVERSIONS \
	--set-str SYSTEM_TRUSTED_KEYS "" \
	--set-str SYSTEM_REVOCATION_KEYS "" \
	--enable KASAN --enable KASAN_GENERIC \
	--enable KASAN_OUTLINE --disable KASAN_INLINE \
	--enable KASAN_VMALLOC \
	--enable KFENCE \
	--enable DEBUG_KMEMLEAK \
	--disable DEBUG_KMEMLEAK_AUTO_SCAN \
	--disable DEBUG_KMEMLEAK_DEFAULT_OFF \
	--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 64000 \
	--enable PROVE_LOCKING \
	--enable DEBUG_ATOMIC_SLEEP \
	--enable DEBUG_OBJECTS --enable DEBUG_OBJECTS_FREE \
	--enable DEBUG_OBJECTS_TIMERS --enable DEBUG_OBJECTS_WORK \
	--enable DEBUG_LIST
make -s olddefconfig </dev/null >>"$out/config.log" 2>&1
for want in KASAN KFENCE DEBUG_KMEMLEAK PROVE_LOCKING DEBUG_ATOMIC_SLEEP \
	    PAGE_TABLE_ISOLATION RETPOLINE PARAVIRT X86_5LEVEL X86_UMIP \
	    SERIAL_8250_CONSOLE DEVTMPFS BLK_DEV_INITRD HAVE_HW_BREAKPOINT \
	    KALLSYMS DEBUG_FS DEVPORT MODULE_UNLOAD KVM KVM_INTEL; do
	grep -q "^CONFIG_$want=[ym]" .config || {
		echo "debugkernel: CONFIG_$want did not stay on" >&2
		exit 1
	}
done

# The kernel, unless this very config has been built already.
if [ -f "$out/vmlinuz" ] && cmp -s .config "$out/vmlinuz.config"; then
	echo "debugkernel: $out/vmlinuz is up to date"
else
	rm -f "$out/vmlinuz"
	echo "debugkernel: building the kernel (-j$jobs, nice 19; log in $out/build.log)"
	start=$(date +%s)
	# `modules`: kvm's two, and Module.symvers for ligeiro.ko's build.
	nice -n 19 make -j"$jobs" bzImage modules >"$out/build.log" 2>&1 || {
		tail -n 30 "$out/build.log" >&2
		exit 1
	}
	end=$(date +%s)
	echo "debugkernel: kernel built in $(((end - start) / 60)) min $(((end - start) % 60)) s" |
		tee -a "$out/build.log"
	cp .config "$out/vmlinuz.config"
	cp arch/x86/boot/bzImage "$out/vmlinuz"
fi

# ligeiro.ko against this tree, in a copy of hv/ (never hv/ligeiro.ko).
rm -rf "$out/hv"
mkdir -p "$out/hv"
cp "$top"/hv/Kbuild "$top"/hv/Makefile "$top"/hv/*.[chS] "$out/hv/"
mkdir -p "$out/hv/uapi"
cp "$top"/hv/uapi/*.h "$out/hv/uapi/"
rm -f "$out/hv/switcher-offsets.h" "$out/hv/ligeiro.mod.c"	# generated
nice -n 19 make -s -C "$out/hv" KDIR="$src"

# The host's initramfs with that module; the rest as make builds it.
cd "$here"
"$top/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$out/hv/ligeiro.ko" \
	"$launcher" "$guests" "$@"
echo "debugkernel: $out/vmlinuz and $out/initramfs.cpio.gz are ready"
