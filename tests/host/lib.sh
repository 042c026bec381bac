# lib.sh - helpers for the scripts that test ligeiro inside the QEMU host.
#
# Sourced by every tests/host/*.sh.  A check prints one RESULT line (the
# format tests/harness.py parses, tag from hv/uapi/ligeiro.h) and the
# script fails if any check did, so the host's QEMU exit status agrees
# with its lines.
. /etc/ligeiro-abi.sh
failures=0

# result NAME OK DETAIL...: OK is a command's status (0 = pass)
result() {
	name=$1 ok=$2
	shift 2
	if [ "$ok" = 0 ]; then
		echo "$LIGEIRO_RESULT_TAG $name PASS $*"
	else
		echo "$LIGEIRO_RESULT_TAG $name FAIL $*"
		failures=$((failures + 1))
	fi
}

# check NAME DETAIL -- CMD...: run CMD; pass when it succeeds
check() {
	name=$1 detail=$2
	shift 3
	"$@"
	result "$name" $? "$detail"
}

finish() {
	[ "$failures" = 0 ]
	exit
}
