"""spec.py - how `make grade LAB=hypercall` grades (labs/grade.py).

One host boot under -cpu qemu64: guestos.sh (the guest's suite under pv,
system calls without exits, the batch, the cache of address spaces) and
this lab's grade.sh (the pv checks, the exit code, hostile hypercalls).
"""
LAB = "hypercall"

BOOTS = {"host": (["guestos.sh", "/labs/hypercall/grade.sh"], "qemu64")}

TESTS = [
    {"name": "pv boot", "points": 10,
     "checks": [("host", c) for c in
                ("pv.init", "pv.irqflag", "pv.nop", "pv.mem", "lab.pv")],
     "hint": "every hypercall kills the guest? Look at the reason the "
             "launcher printed: HCALL_INIT comes first, then NOP"},
    {"name": "exit code", "points": 5, "parent": "pv boot",
     "checks": [("host", "lab.exit_code")],
     "hint": "HCALL_SHUTDOWN: the code is in %rdi, and ends the run with "
             "LIGEIRO_RUN_SHUTDOWN"},
    {"name": "guest suite under pv", "points": 20, "parent": "pv boot",
     "checks": [("host", c) for c in
                ("os.tests", "sys.getpid", "sys.write", "proc.preempt",
                 "proc.sleep", "vm.sbrk", "vm.unmapped", "proc.noleak",
                 "os.two_oses")],
     "hint": "console output, halt, the timer, LOAD_IDT, SET_STACK and "
             "NEW_CR3 are all on this path; a hang here is often a HALT "
             "that never wakes"},
    {"name": "no exit per system call", "points": 5,
     "parent": "guest suite under pv",
     "checks": [("host", "os.sysloop")]},
    {"name": "batched page-table updates", "points": 5,
     "parent": "guest suite under pv",
     "checks": [("host", "os.batch")],
     "hint": "FLUSH with rdi = 1 forgets every mapping; handle_exit() has "
             "drained the batch already"},
    {"name": "address-space switches", "points": 5,
     "parent": "guest suite under pv",
     "checks": [("host", "os.ctxloop")]},
    {"name": "hostile hypercalls", "points": 10, "parent": "pv boot",
     "checks": [("host", c) for c in
                ("lab.unknown", "lab.console", "lab.exit_range",
                 "lab.new_cr3")],
     "hint": "check every argument before using it, and kill with the "
             "reason book/05-hypercalls-pvops.md lists"},
]
