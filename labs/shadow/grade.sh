# grade.sh - the shadow lab's own checks, inside the QEMU host.
#
# Run by `make grade LAB=shadow` (labs/grade.py) after guestos.sh, in the
# same boot.  lgseed picks how many create-run-destroy cycles must leak
# nothing, and how many processes the context-switch loop runs through.
# labs/shadow/README.md says what each check means.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
seed=${lgseed:-1}
stat() { sed -n "s/^ligeiro-stats: $1 //p" "$2"; }

# 1. The suite in trap mode, where the shadow is a virtual TLB.
ligeiro --mode=trap $G -- tests >/tmp/lab.trap.out 2>&1
st=$?
sed -n 's/^RESULT /RESULT lab.trap./p' /tmp/lab.trap.out
result lab.trap_tests $st "the suite in trap mode exited with $st"

# 2. Page tables a guest must not get away with, and their reasons.
killed lab.table_oor "outside guest memory" $G -- hostile=table-oor
killed lab.table_loop "guest page tables loop" $G -- hostile=table-loop
killed lab.table_upper "map the upper half" $G -- hostile=table-upper
killed lab.cr3_oor "not a page of guest memory" $G -- hostile=cr3-oor
killed lab.cr3_oor_trap "not a page of guest memory" --mode=trap $G -- hostile=cr3-oor

# 3. Tables that alias one another: every read finds the right page.
ligeiro --mem=8M $G -- hostile=shadow >/tmp/lab.alias.out 2>&1
result lab.alias $? "$(grep -o 'RESULT hostile.shadow .*' /tmp/lab.alias.out)"

# 4. Creating and destroying VMs leaves nothing behind.
cycles=$((20 + seed % 20))
pins0=$(pins) free0=$(free_kib)
i=0
while [ $i -lt $cycles ]; do
	ligeiro --mem=4M $G -- exit=0 >/dev/null 2>&1
	i=$((i + 1))
done
pins1=$(pins) free1=$(free_kib)
check lab.no_leak "$cycles cycles: pins $pins0 -> $pins1, free $free0 -> $free1 KiB" -- \
	test "$pins1" = "$pins0" -a $((free0 - free1)) -lt 1024
finish
