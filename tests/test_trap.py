"""Trap-and-emulate mode: the native guest, unchanged, at ring 1.

tests/host/trap.sh runs in the host boots of conftest.py, under -cpu
qemu64 and -cpu max.  Three things are checked (book/08-trap-and-emulate.md):

* the guest OS's whole test suite says in trap mode exactly what it says
  natively;
* the probe program sees what the chapter's table says it sees, in each
  mode on each CPU model: the instructions that do not trap at ring 1
  (Popek and Goldberg's "sensitive but unprivileged" ones) give the game
  away, and UMIP closes part of the gap;
* the exit counters show the cost profile: in trap mode every cli, sti,
  CR3 load and port access is an exit, in pv mode none is.
"""
import re

import pytest

import test_native

NATIVE, NOT_NATIVE, SKIPPED = "the native value", "another value", "skipped"

# The chapter's table: what each probe shows, by (mode, cpu).  The pv
# kernel is killed by a #GP at ring 1, so with UMIP it skips the stores.
PROBES = {
    #            trap/qemu64  trap/max    pv/qemu64   pv/max
    "cs_rpl": ("1", "1", "1", "1"),
    "pushf_if_after_cli": ("1", "1", "1", "1"),
    "popf_if": ("1", "1", "1", "1"),
    "umip": ("0", "1", "0", "1"),
    "sgdt": ("host", "guest", "host", SKIPPED),
    "sidt": ("host", "guest", "host", SKIPPED),
    "smsw": (NOT_NATIVE, NATIVE, NOT_NATIVE, SKIPPED),
    "str": (NOT_NATIVE, NATIVE, NOT_NATIVE, SKIPPED),
}
COLUMNS = [("trap", "qemu64"), ("trap", "max"), ("pv", "qemu64"),
           ("pv", "max")]
LOOPS = ["sysloop", "ctxloop", "pfloop"]
PER_OP = {"sysloop": 1, "ctxloop": 2, "pfloop": 1}  # ctxloop: 2 switches
SIZES = [("sysloop", 5000), ("sysloop", 10000), ("ctxloop", 500),
         ("ctxloop", 1000), ("pfloop", 500), ("pfloop", 1000)]  # trap.sh


def host(request, cpu):
    return request.getfixturevalue("host_" + cpu)


@pytest.mark.parametrize("cpu", test_native.CPUS)
@pytest.mark.parametrize("check", test_native.CHECKS)
def test_suite_same_as_native(request, cpu, check):
    trap = host(request, cpu).result("trap." + check)
    native = test_native.native(cpu).result(check)
    assert trap == native, "%s: native says %r, trap mode says %r" % (
        check, native, trap)


@pytest.mark.parametrize("cpu", test_native.CPUS)
@pytest.mark.parametrize("check", [
    "trap.tests", "trap.emucheck", "trap.exit", "trap.exit_range",
    "trap.spin_killable",
    "trap.hostile_hlt", "trap.hostile_paging", "trap.hostile_upper",
    "trap.hostile_table-oor", "trap.hostile_table-upper",
    "trap.hostile_table-loop"])
def test_trap_checks(request, cpu, check):
    host(request, cpu).result(check)


EMUCHECKS = ["emu.cr0", "emu.cr4", "emu.cr3", "emu.smsw", "emu.gdt",
             "emu.idt", "emu.tr", "emu.efer", "emu.fs_base", "emu.in",
             "emu.invlpg"]


@pytest.mark.parametrize("cpu", test_native.CPUS)
@pytest.mark.parametrize("check", EMUCHECKS)
def test_each_instruction_as_natively(request, cpu, check):
    """emucheck: the emulator leaves what the processor leaves, one
    privileged instruction at a time (guest/selftest/emucheck.c)."""
    trap = host(request, cpu).result("trap." + check)
    native = test_native.emucheck(cpu).result(check)
    assert trap == native, "%s: native says %r, trap mode says %r" % (
        check, native, trap)


@pytest.mark.parametrize("mode,cpu", COLUMNS)
def test_probe_table(request, mode, cpu):
    boot = host(request, cpu)
    boot.result(mode + ".probe")
    seen = {name[len(mode) + 1:]: value for name, value
            in (words for words in boot.tagged("PROBE"))
            if name.startswith(mode + ".")}
    native = dict(test_native.PROBE_LINE.findall(
        test_native.probe(cpu).transcript))
    column = COLUMNS.index((mode, cpu))
    wrong = []
    for name, row in PROBES.items():
        want, got = row[column], seen.get(name)
        ok = (got == native.get(name) if want == NATIVE else
              got not in (None, native.get(name), SKIPPED, "fault")
              if want == NOT_NATIVE else got == want)
        if not ok:
            wrong.append("%s: expected %s, saw %s (native %s)"
                         % (name, want, got, native.get(name)))
    if wrong:
        boot.fail("; ".join(wrong))


def costs(boot):
    """{(mode, loop): per-operation deltas} from the COST lines."""
    runs = {}
    for mode, loop, n, *kv in boot.tagged("COST"):
        runs.setdefault((mode, loop), {})[int(n)] = {
            k: int(v) for k, v in (f.split("=") for f in kv)}
    per_op = {}
    for key, by_n in runs.items():
        (n1, a), (n2, b) = sorted(by_n.items())
        ops = (n2 - n1) * PER_OP[key[1]]
        per_op[key] = {k: (b[k] - a[k]) / ops for k in a}
        per_op[key]["emulated_total"] = b["emulation"]
        per_op[key]["emul_kinds_total"] = sum(
            b[k] for k in ("irqflag", "port", "cr", "other"))
    return per_op


@pytest.mark.parametrize("cpu", test_native.CPUS)
def test_cost_profile(request, cpu):
    boot = host(request, cpu)
    for mode in ("trap", "pv"):
        for loop, n in SIZES:
            boot.result("cost.%s.%s.%d" % (mode, loop, n))
    c = costs(boot)

    def expect(ok, what, key):
        if not ok:
            boot.fail("%s: %s %s" % (what, key, {
                k: round(v, 2) for k, v in c[key].items()}))
    for loop in LOOPS:
        pv, trap = ("pv", loop), ("trap", loop)
        expect(c[pv]["emulated_total"] == 0, "pv emulated something", pv)
        expect(c[trap]["emulated_total"] == c[trap]["emul_kinds_total"],
               "emulation exits are not the instructions counted", trap)
        expect(c[trap]["entries"] > c[pv]["entries"],
               "trap mode is not dearer than pv", trap)
    # a system call: int $0x80 exits, and so do the kernel's cli and sti
    sysc = ("trap", "sysloop")
    expect(c[sysc]["entries"] >= 2.8 and c[sysc]["irqflag"] >= 1.9,
           "a trap-mode system call costs too little", sysc)
    expect(c[("pv", "sysloop")]["entries"] < 0.1,
           "a pv system call exits", ("pv", "sysloop"))
    # a switch: a mov to %cr3 each, emulated; a pv one is a hypercall
    ctx = ("trap", "ctxloop")
    expect(c[ctx]["cr3_loads"] >= 0.9 and
           c[ctx]["cr"] >= c[ctx]["cr3_loads"],
           "switches without an emulated CR3 load", ctx)
    # (a NEW_CR3 each, which the Switcher serves itself: no exit)
    expect(c[("pv", "ctxloop")]["cr3_loads"] >= 0.9,
           "pv switches without NEW_CR3 hypercalls", ("pv", "ctxloop"))
    # pv's exit budgets (book/15): a change that adds an exit to one of
    # these paths fails here, long before anyone runs make bench
    expect(c[("pv", "ctxloop")]["entries"] <= 0.05,
           "a pv context switch to a cached root exits (hv/switch.S's "
           "fast path)", ("pv", "ctxloop"))
    expect(c[("pv", "pfloop")]["entries"] <= 2.25,
           "a pv demand-zero fault takes more than two exits",
           ("pv", "pfloop"))
