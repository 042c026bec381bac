"""The guest alone: booted by GRUB from its ISO in QEMU, ring 0, no ligeiro.

This is the reference every other mode is compared with.  Each boot runs
the `tests` word: the kernel's own checks (IDT, memory map, timer), then
the test suite at ring 3 (guest/user/tests.c: system calls, processes,
scheduling, demand paging, killing a faulty process); the tests read its
RESULT lines and cross-check what the guest says against what QEMU was
told (the amount of RAM).  See book/02-guest.md.

The probe ISO runs the `probe` word instead (guest/probe.c): PROBE lines
saying what the kernel sees of its ring.  Natively, at ring 0, each must
show the machine as the kernel set it up; book/07-trap-and-emulate.md
sets them beside what trap mode and pv mode show.
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
PROBE_ISO = harness.BUILD / "guest" / "ligeiro-guest-probe.iso"
PROBE_LINE = re.compile(r"^PROBE (\S+) (\S+)$", re.M)
CR0_PE = 1 << 0     # the CPU's own bit (guest/x86.h), not ligeiro's contract
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


def probe(cpu):
    """One boot of the probe ISO per CPU model."""
    key = ("probe", cpu)
    if key not in _boots:
        _boots[key] = harness.boot("native-probe-" + cpu,
                                   ["native", PROBE_ISO], 120,
                                   {"CPU": cpu, "MEM": "128M"})
    return _boots[key]


@pytest.mark.parametrize("cpu", CPUS)
def test_probe(cpu):
    """At ring 0 nothing is hidden: the kernel's own ring, its interrupt
    flag as it set it, its own GDT, IDT and task register.  Only UMIP
    depends on the CPU model (`max` has it, qemu64 not); the guest never
    turns it on, so the stores work either way."""
    boot = probe(cpu)
    boot.require_clean()
    count = int(boot.fields("probe")["observations"])
    seen = dict(PROBE_LINE.findall(boot.transcript))
    if len(seen) != count:
        boot.fail("%d PROBE lines, but the guest counted %d"
                  % (len(seen), count))
    expect = {"cs_rpl": "0", "pushf_if_after_cli": "0", "popf_if": "0",
              "umip": "1" if cpu == "max" else "0",
              "sgdt": "guest", "sidt": "guest"}
    wrong = {k: seen.get(k) for k, v in expect.items() if seen.get(k) != v}
    if wrong:
        boot.fail("expected %s, saw %s" % (expect, wrong))
    # smsw and str store values in hex; the TSS selector is the guest's
    # choice (guest/layout.h), so only "some selector" is checked.
    for name in ("smsw", "str"):
        if not re.fullmatch(r"0x[0-9a-f]+", seen.get(name, "")):
            boot.fail("PROBE %s %s: not a value" % (name, seen.get(name)))
    if not int(seen["smsw"], 16) & CR0_PE:
        boot.fail("smsw %s: protection is off?" % seen["smsw"])
    if not int(seen["str"], 16):
        boot.fail("str 0x0: no task register loaded")
