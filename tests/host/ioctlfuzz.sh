# ioctlfuzz.sh - /dev/ligeiro attacked from host userspace, family by
# family (tests/host/ioctlfuzz/main.c says what each family does).
#
# Booted by tests/test_ioctlfuzz.py under -cpu qemu64 and -cpu max, after
# hardening.sh and before worldswitch.sh.  Each family prints its own
# RESULT line (if.FAMILY, every call's outcome predicted); after each one
# no page may stay pinned, free memory must come back within 2 MiB (and
# unreclaimable slab within 256 KiB: the measures of worldswitch.sh), and
# the module must unload and load again.  The harness fails the boot on
# any oops, warning or BUG in the host's log.  One seed, printed, drives
# every random family: lgseed=N on the host kernel's command line
# replays a run.  book/14-isolation.md, "Attacks from the host's side".
. /tests/lib.sh

seed=${lgseed:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "ioctlfuzz seed: $seed"

# family NAME ARGS...: one family, then the leak measures and a reload.
family() {
	fam=$1
	shift
	pins0=$(pins) free0=$(free_kib) slab0=$(slab_kib)
	ioctlfuzz "$fam" "$@" >/tmp/if.$fam.out 2>&1
	st=$?
	sed "s/^ioctlfuzz /[if.$fam] /" /tmp/if.$fam.out
	[ $st = 0 ] || failures=$((failures + 1))	# its RESULT line says why
	pins1=$(pins) free1=$(free_kib) slab1=$(slab_kib)
	check if.${fam}_pins "pinned pages outstanding: $pins0 -> $pins1" -- \
		test "$pins1" = "$pins0"
	check if.${fam}_unload "rmmod, then insmod again" -- \
		sh -c "rmmod ligeiro && insmod /lib/ligeiro.ko"
	check if.${fam}_free "free $free0 -> $free1 KiB, SUnreclaim $slab0 -> $slab1 KiB" -- \
		test $((free0 - free1)) -lt $((2048 + mem_slack)) \
		     -a $((slab1 - slab0)) -lt $((256 + mem_slack))
}

family calls "$seed" 100000
family vcpu
family memory
family guests "$seed" 400
family races "$seed"
family cycles 500
finish
