"""spec.py - how `make grade LAB=irq` grades (labs/grade.py).

One host boot under -cpu qemu64: guestos.sh (the guest's suite under pv,
two guests at once) and this lab's grade.sh (trap mode, SIGKILL of a
spinning guest, time under load).
"""
LAB = "irq"

BOOTS = {"host": (["guestos.sh", "/labs/irq/grade.sh"], "qemu64")}

TESTS = [
    {"name": "exceptions reach the guest", "points": 10,
     "checks": [("host", c) for c in ("idt.exception", "idt.pagefault")],
     "hint": "deliver(): the frame the CPU would push, on the right stack, "
             "and the handler from the guest's IDT"},
    {"name": "timer ticks", "points": 10,
     "parent": "exceptions reach the guest",
     "checks": [("host", "timer.ticks")],
     "hint": "no tick at all: irq_set_timer() must start the hrtimer, and "
             "irq_deliver() must take line 0 when the guest's flag allows"},
    {"name": "processes and time", "points": 15, "parent": "timer ticks",
     "checks": [("host", c) for c in ("proc.preempt", "proc.sleep",
                                      "proc.yield", "os.tests")],
     "hint": "a sleep that never ends: irq_halt() must sleep until an "
             "interrupt is waiting, and wake for a signal too"},
    {"name": "two guests at once", "points": 5,
     "parent": "processes and time",
     "checks": [("host", "os.two_oses")]},
    {"name": "trap mode", "points": 10, "parent": "processes and time",
     "checks": [("host", "lab.trap_tests"),
                ("host", "lab.trap.timer.ticks")],
     "hint": "in trap mode the vector comes from the virtual PIC "
             "(pic_ack()), and the flag is the virtual CPU's"},
    {"name": "SIGKILL of a spinning guest", "points": 5,
     "parent": "exceptions reach the guest",
     "checks": [("host", "lab.sigkill")]},
    {"name": "time under load", "points": 5, "parent": "processes and time",
     "checks": [("host", c) for c in ("lab.loaded", "lab.loaded.timer.ticks",
                                      "lab.loaded.proc.sleep")]},
]
