"""spec.py - how `make grade LAB=trap` grades (labs/grade.py).

Two host boots, -cpu qemu64 and -cpu max (where UMIP makes sgdt and
friends trap from ring 3 too), each running tests/host/trap.sh: the
native kernel's suite in trap mode, its probe, its ways to stop and to
misbehave.
"""
LAB = "trap"

BOOTS = {"qemu64": (["trap.sh"], "qemu64"), "max": (["trap.sh"], "max")}

TESTS = [
    {"name": "the native kernel boots at ring 1", "points": 10,
     "checks": [(b, "trap." + c) for b in ("qemu64", "max")
                for c in ("idt.exception", "idt.pagefault", "mem.map")],
     "hint": "the first instructions that trap are lgdt, ltr, lidt and mov "
             "to %cr3: each must change the virtual CPU and step over"},
    {"name": "devices and time", "points": 10,
     "parent": "the native kernel boots at ring 1",
     "checks": [(b, c) for b in ("qemu64", "max")
                for c in ("trap.timer.ticks", "trap.exit")],
     "hint": "in and out go to pc.c's devices; sti must keep its shadow "
             "before a hlt, and hlt must sleep until an interrupt"},
    {"name": "the suite in trap mode", "points": 20,
     "parent": "devices and time",
     "checks": [(b, c) for b in ("qemu64", "max")
                for c in ("trap.tests", "trap.sys.getpid", "trap.proc.preempt",
                          "trap.proc.sleep", "trap.vm.sbrk",
                          "trap.vm.accessed_dirty", "trap.proc.privileged")],
     "hint": "a process killed with the wrong vector: an instruction from "
             "ring 3 that is not a UMIP one must get the #GP it raised"},
    {"name": "each instruction, once", "points": 15,
     "parent": "the native kernel boots at ring 1",
     "checks": [(b, "trap." + c) for b in ("qemu64", "max")
                for c in ("emu.cr0", "emu.cr4", "emu.cr3", "emu.smsw",
                          "emu.gdt", "emu.idt", "emu.tr", "emu.efer",
                          "emu.fs_base", "emu.in", "emu.invlpg")],
     "hint": "emucheck's RESULT line names the instruction whose effect is "
             "not what the processor's would be"},
    {"name": "the probe, with and without UMIP", "points": 10,
     "parent": "the native kernel boots at ring 1",
     "checks": [(b, "trap.probe") for b in ("qemu64", "max")],
     "hint": "smsw, str, sldt, sgdt and sidt answer from the virtual CPU"},
    {"name": "hostile native kernels", "points": 10,
     "parent": "the native kernel boots at ring 1",
     "checks": [(b, "trap.hostile_" + c) for b in ("qemu64", "max")
                for c in ("hlt", "paging", "upper", "table-oor",
                          "table-upper")],
     "hint": "cli; hlt would sleep forever, clearing CR0.PG leaves paging: "
             "both end the guest with a reason"},
    {"name": "exit codes and SIGKILL", "points": 10,
     "parent": "devices and time",
     "checks": [(b, c) for b in ("qemu64", "max")
                for c in ("trap.exit_range", "trap.spin_killable")]},
]
