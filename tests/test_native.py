"""The guest alone: booted by GRUB from its ISO in QEMU, ring 0, no ligeiro.

This is the reference every other mode is compared with.  Each boot runs
the `tests` word: the kernel's own checks (IDT, memory map, timer), then
the test suite at ring 3 (guest/user/tests.c: system calls, processes,
scheduling, demand paging, killing a faulty process); the tests read its
RESULT lines and cross-check what the guest says against what QEMU was
told (the amount of RAM).  See book/02-guest.md.
"""
import re

import pytest

import harness

CPUS = ["qemu64", "max"]
CHECKS = [
    # the kernel's own
    "idt.exception", "idt.pagefault", "mem.map", "timer.ticks",
    # the test suite's, at ring 3
    "sys.getpid", "sys.write", "proc.spawn_wait", "proc.yield",
    "proc.preempt", "proc.sleep", "vm.sbrk", "vm.kernel_read",
    "vm.unmapped", "proc.privileged", "proc.noleak",
]
BANNER = "ligeiro guest: booted natively (multiboot2)"
_boots = {}


def native(cpu, mem="128M"):
    """One boot per (cpu, mem), shared by the tests that read it."""
    key = (cpu, mem)
    if key not in _boots:
        _boots[key] = harness.boot_native("native-%s-%s" % key, cpu=cpu,
                                          mem=mem)
    return _boots[key]


@pytest.mark.parametrize("cpu", CPUS)
def test_banner_and_clean_exit(cpu):
    boot = native(cpu)
    boot.require_clean()
    if BANNER not in boot.transcript:
        boot.fail("no banner %r on the serial port" % BANNER)


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("check", CHECKS)
def test_check(cpu, check):
    native(cpu).result(check)


@pytest.mark.parametrize("cpu", CPUS)
def test_every_reported_check_passed(cpu):
    boot = native(cpu)
    failed = [n for n, (v, _) in boot.results.items() if v != "PASS"]
    assert not failed, "failed checks: %s" % failed
    assert set(CHECKS) <= set(boot.results), "missing: %s" % (
        set(CHECKS) - set(boot.results))


@pytest.mark.parametrize("mem_mib", [128, 512])
def test_memory_map_matches_qemu(mem_mib):
    """The guest's usable RAM is what QEMU has, less the BIOS's reserves.
    The amount is on a line of its own, not in the RESULT line, whose
    detail is the same natively and under ligeiro."""
    boot = native("qemu64", "%dM" % mem_mib)
    boot.result("mem.map")
    found = re.search(r"^mem: usable_kib=(\d+)", boot.transcript, re.M)
    if not found:
        boot.fail("no 'mem: usable_kib=' line")
    usable = int(found.group(1))
    total = mem_mib * 1024
    assert 0.95 * total <= usable <= total, \
        "guest found %d KiB usable with -m %dM" % (usable, mem_mib)


def test_timer_really_ticked():
    fields = native("qemu64").fields("timer.ticks")
    assert int(fields["ticks"]) >= 10, fields
