# demo.sh - what `make run` shows inside the QEMU host before the shell.
#
# Init has loaded ligeiro.ko.  Show that the device is there, that the
# launcher and the module agree on the ABI, and what the launcher makes of
# the guest image.  Running guests arrives with the world switch
# (book/04-world-switch.md); until then the launcher says so itself.
echo
echo "== /dev/ligeiro =="
ls -l /dev/ligeiro
echo "== ligeiro --version =="
ligeiro --version
echo "== ligeiro /guest/ligeiro-guest.elf =="
ligeiro /guest/ligeiro-guest.elf
echo
