"""spec.py - how `make grade LAB=shadow` grades (labs/grade.py).

One host boot under -cpu qemu64: guestos.sh (the guest's suite under pv,
its accessed and dirty bits, the cache of shadow roots on a context-switch
loop) and this lab's grade.sh (the suite in trap mode, hostile tables,
aliased tables, create-destroy cycles).
"""
LAB = "shadow"

BOOTS = {"host": (["guestos.sh", "/labs/shadow/grade.sh"], "qemu64")}

TESTS = [
    {"name": "the guest boots", "points": 10,
     "checks": [("host", c) for c in ("idt.exception", "idt.pagefault",
                                      "mem.map")],
     "hint": "the guest's first instruction fetch is a shadow fault: "
             "nothing runs until shadow_fault() fills the entry"},
    {"name": "accessed and dirty bits", "points": 10,
     "parent": "the guest boots",
     "checks": [("host", "vm.accessed_dirty"),
                ("host", "lab.trap.vm.accessed_dirty")],
     "hint": "map read-only until the first write, and set D in the "
             "guest's leaf then; set A on every level the walk uses"},
    {"name": "guest suite under pv", "points": 15,
     "parent": "the guest boots",
     "checks": [("host", c) for c in ("os.tests", "vm.sbrk", "vm.unmapped",
                                      "vm.kernel_read", "vm.upper",
                                      "proc.noleak", "os.two_oses")],
     "hint": "a process killed by a fault it should not have had: check "
             "the error code you reflect (P, W, U, I as the MMU sets them)"},
    {"name": "guest suite in trap mode", "points": 10,
     "parent": "the guest boots",
     "checks": [("host", "lab.trap_tests")],
     "hint": "in trap mode every mov to %cr3 must start the shadow empty "
             "(fresh), as a native TLB flush would"},
    {"name": "the cache of shadow roots", "points": 10,
     "parent": "guest suite under pv",
     "checks": [("host", "os.ctxloop")],
     "hint": "a hit keeps the root as it was; a miss takes a free slot or "
             "the least recently loaded"},
    {"name": "hostile page tables", "points": 10,
     "parent": "the guest boots",
     "checks": [("host", c) for c in ("lab.table_oor", "lab.table_loop",
                                      "lab.table_upper", "lab.cr3_oor",
                                      "lab.cr3_oor_trap")],
     "hint": "walk only tables inside guest memory, and map only pages "
             "inside it; book/07-shadow-paging.md lists the reasons"},
    {"name": "aliased tables", "points": 5, "parent": "guest suite under pv",
     "checks": [("host", "lab.alias")]},
    {"name": "no leak", "points": 5, "parent": "the guest boots",
     "checks": [("host", "lab.no_leak")]},
]
