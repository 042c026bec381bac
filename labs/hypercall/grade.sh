# grade.sh - the hypercall lab's own checks, inside the QEMU host.
#
# Run by `make grade LAB=hypercall` (labs/grade.py) after guestos.sh, in
# the same boot.  lgseed, from the kernel's command line, picks the exit
# code the guest must carry out through HCALL_SHUTDOWN, so a hypercall()
# that returns a constant cannot pass.  labs/hypercall/README.md says
# what each check means.
. /tests/lib.sh
G=/guest/ligeiro-guest.elf
seed=${lgseed:-1}
code=$((seed % 60 + 1))		# 1..60: a shutdown code the guest may give

# 1. The pv checks of the interface (their RESULT lines pass through).
ligeiro $G >/tmp/lab.pv.out 2>&1
st=$?
grep -v "^RESULT" /tmp/lab.pv.out | sed 's/^/[lab.pv] /'
grep "^RESULT" /tmp/lab.pv.out
result lab.pv $st "the pv checks exited with $st"

# 2. The exit code travels: seed $seed asks for $code.
run lab.exit_code $code $G -- exit=$code

# 3. What a guest must not get away with, and the reason it is told.
killed lab.unknown "unknown hypercall" $G -- hostile=hcall
killed lab.console "not in guest memory" $G -- hostile=badptr
killed lab.exit_range "above $LIGEIRO_EXIT_GUEST_MAX" $G -- exit=$((200 + seed % 50))
killed lab.new_cr3 "map the upper half" $G -- hostile=table-upper
finish
