# la57.sh - on a host with 5-level paging the module must refuse to load.
#
# Booted by tests/test_host.py with -cpu max and without `no5lvl`, so the
# host kernel turns CR4.LA57 on.  ligeiro's shadow roots are 4-level, so
# insmod must fail with a message that says how to fix it.
. /tests/lib.sh

check host.la57_on "the CPU runs with 5-level paging" -- \
	grep -qw la57 /proc/cpuinfo
check host.la57_refused "ligeiro.ko is not loaded" -- \
	sh -c '! grep -q "^ligeiro " /proc/modules'
check host.la57_message "the log says why" -- \
	sh -c 'dmesg | grep -q "ligeiro: 5-level paging.*no5lvl"'
check host.la57_no_device "no /dev/$LIGEIRO_DEVICE_NAME" -- \
	test ! -e "/dev/$LIGEIRO_DEVICE_NAME"
finish
