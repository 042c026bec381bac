# foundation.sh - the module's life in the host: load, use, refuse, unload.
#
# Booted by tests/test_host.py under -cpu qemu64 and -cpu max.  Init has
# already tried to load ligeiro.ko; this script checks the result, talks
# to /dev/ligeiro, then unloads and reloads the module.  The harness fails
# the whole boot if the kernel log shows an oops or warning at any point.
. /tests/lib.sh
dev=/dev/$LIGEIRO_DEVICE_NAME

check host.loaded "module listed in /proc/modules" -- \
	grep -q '^ligeiro ' /proc/modules
check host.devnode "$dev is a character device" -- test -c "$dev"
mode=$(stat -c %a "$dev" 2>/dev/null)
check host.devmode "mode $mode" -- test "$mode" = 600

/bin/abi_probe
result host.abi_probe $? "abi_probe exit status"

out=$(ligeiro --version 2>&1)
st=$?
result host.launcher_version $st "$(echo "$out" | tr '\n' ' ')"

# The real guest image passes the launcher's checks and runs.
out=$(ligeiro /guest/ligeiro-guest.elf -- exit=0 2>&1)
st=$?
result host.guest_runs $st "exit=$st $(echo "$out" | head -n 3 | tr '\n' ' ')"

# While a file of the device is open the module must not go away.
exec 3<"$dev"
rmmod ligeiro 2>/dev/null
busy=$?
exec 3<&-
check host.unload_busy "rmmod refused while $dev is open" -- test "$busy" != 0

check host.unload "rmmod ligeiro" -- rmmod ligeiro
check host.devnode_gone "$dev removed" -- test ! -e "$dev"
check host.unload_msg "module said goodbye" -- \
	sh -c 'dmesg | grep -q "ligeiro: unloaded"'
check host.reload "insmod again (and leave it loaded)" -- insmod /lib/ligeiro.ko
finish
