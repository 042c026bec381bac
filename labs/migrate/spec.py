"""spec.py - how `make grade LAB=migrate` grades (labs/grade.py).

One host boot under -cpu qemu64: migrate.sh (save and restore, the guest
OS's suite moved live in pv and trap mode, the busy dirty guest within the
bound on rounds, a killed destination, a long round over TCP with its
progress lines) and this lab's grade.sh (a quiet guest that must stop
early, and round lines that add up, both shaped by the seed).
"""
LAB = "migrate"

BOOTS = {"host": (["migrate.sh", "/labs/migrate/grade.sh"], "qemu64")}

TESTS = [
    {"name": "a quiet guest moves", "points": 15,
     "checks": [("host", "lab.quiet")],
     "hint": "collect(): LIGEIRO_GET_DIRTY fills the bitmap, then OR in "
             "mig.mem->dirty (and clear it) and count the bits; precopy(): "
             "send_slice() every turn, and at the round's end harvest, "
             "print the round line and finish() when few pages are left"},
    {"name": "the guest OS moves", "points": 10,
     "parent": "a quiet guest moves",
     "checks": [("host", c) for c in ("mig.migrate_pv", "mig.migrate_trap")],
     "hint": "every test result once, at the source or at the "
             "destination: a page written after it was sent must be sent "
             "again, the devices' pages too"},
    {"name": "rounds of pre-copy", "points": 15,
     "parent": "a quiet guest moves",
     "checks": [("host", c) for c in ("lab.rounds", "mig.dirty_converges")],
     "hint": "a round whose harvest is above STOP_PAGES starts another, "
             "until LIGEIRO_MIGRATE_ROUNDS; the next round sends exactly "
             "what the harvest found (mig.todo), and counts from 0 again"},
    {"name": "a long round says how far it is", "points": 5,
     "parent": "rounds of pre-copy",
     "checks": [("host", "mig.migrate_tcp")],
     "hint": "a turn whose round is not out prints a progress line once "
             "PROGRESS_MS have passed since the last (mig.t_shown)"},
    {"name": "a destination that dies", "points": 10,
     "parent": "a quiet guest moves",
     "checks": [("host", "mig.killed_destination")],
     "hint": "a slice that cannot be sent ends the migration with stop(), "
             "which says why, and the guest runs on here"},
    {"name": "saving to a file", "points": 5,
     "checks": [("host", c) for c in ("mig.save_restore_pv",
                                      "mig.save_restore_trap",
                                      "mig.corrupt_file")],
     "hint": "this one does not go through your code (snapshot.c does it): "
             "if it fails, something outside the lab is broken"},
]
