"""spec.py - how `make grade LAB=virtio` grades (labs/grade.py).

The launcher's virtqueue and block device against hostile rings, host-side
in a second (tests/unit/test_vq), then one host boot under -cpu qemu64
running tests/host/virtio.sh: the disk, a read-only disk, randomness, the
console's input and a broken ring, in pv and in trap mode.
"""
LAB = "virtio"

UNITS = {"unit": "build/unit/test_vq"}
BOOTS = {"host": (["virtio.sh"], "qemu64")}

TESTS = [
    {"name": "chains, host-side", "points": 10,
     "checks": [("unit", "vq." + c) for c in
                ("good_chain", "head_index", "next_index", "loop_a_b_a",
                 "loop_self", "chain_longer_than_queue", "buffer_past_end",
                 "addr_len_overflow", "writable_then_readable", "indirect",
                 "chain_too_big")],
     "hint": "walk(): check the index, the length of the chain, the buffer "
             "and the order before taking a descriptor"},
    {"name": "block requests, host-side", "points": 15,
     "checks": [("unit", "vq." + c) for c in
                ("blk_read_write_flush", "blk_out_of_range", "blk_read_only",
                 "blk_get_id_unsupported", "blk_malformed",
                 "blk_hostile_chain")],
     "hint": "IN data is the writable bytes before the status byte, OUT the "
             "readable ones after the header; check the sector range first"},
    {"name": "the driver's queue", "points": 15,
     "checks": [("host", c) for c in ("pv.rngtest", "trap.rngtest")],
     "hint": "vq_add(): the entry, then a write barrier, then the index; "
             "vq_get(): the index, a read barrier, then the entry"},
    {"name": "the disk", "points": 15, "parent": "the driver's queue",
     "checks": [("host", c) for c in ("pv.disktest", "trap.disktest",
                                      "pv.disk_ro", "trap.disk_ro")]},
    {"name": "console input", "points": 5, "parent": "the driver's queue",
     "checks": [("host", c) for c in ("pv.console_input",
                                      "trap.console_input")]},
    {"name": "a broken ring", "points": 10, "parent": "the driver's queue",
     "checks": [("host", c) for c in ("pv.badring_reported",
                                      "trap.badring_reported")],
     "hint": "the device must refuse a looping chain and ask for a reset"},
]
