# demo.sh - what `make run` shows inside the QEMU host before the shell.
#
# Init has loaded ligeiro.ko.  Show that the device is there, that the
# launcher and the module agree on the ABI, and run the guest image at
# ring 1 with the exit counters afterwards (book/04-world-switch.md), its
# native code by trap-and-emulate (book/07), and with a disk (book/08).
echo
echo "== /dev/ligeiro =="
ls -l /dev/ligeiro
echo "== ligeiro --version =="
ligeiro --version
echo "== ligeiro --stats /guest/ligeiro-guest.elf =="
ligeiro --stats /guest/ligeiro-guest.elf
echo "(exit status $?)"
echo "== ligeiro /guest/ligeiro-guest.elf -- tests   (the guest OS's suite, at ring 1 and 3) =="
ligeiro /guest/ligeiro-guest.elf -- tests
echo "(exit status $?)"
echo "== ligeiro --mode=trap /guest/ligeiro-guest.elf -- tests   (the same suite, the native kernel trapping) =="
ligeiro --mode=trap /guest/ligeiro-guest.elf -- tests
echo "(exit status $?)"
echo "== ligeiro --disk=/tmp/disk.img /guest/ligeiro-guest.elf -- disktest   (a virtio disk) =="
dd if=/dev/zero of=/tmp/disk.img bs=1024 count=1024 2>/dev/null
ligeiro --disk=/tmp/disk.img /guest/ligeiro-guest.elf -- disktest
echo "(exit status $?)"
