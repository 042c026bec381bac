"""Save and restore, and live migration, in pv and in trap mode (issue 14).

tests/host/migrate.sh runs in the host boots of conftest.py, under -cpu
qemu64 and -cpu max.  The launcher stops its guest on SIGUSR1 and writes
it to a file (--save=FILE, read back by --restore=FILE) or sends it by
pre-copy to another launcher (--migrate=PLACE to --incoming=PLACE, PLACE
being unix:PATH or tcp:HOST:PORT on the loopback).

* save_restore: `count 40` keeps its count on the disk; saved a few steps
  in and restored, it goes on from the number after the last it printed,
  ends with "RESULT count PASS 40", and the disk holds 40;
* migrate: the guest OS's test suite moved at its first RESULT line; the
  source's lines and the destination's together are those of a run that
  stayed put (the same checks, the same verdicts, each once);
* dirty_converges: `dirty` writes all over 8 MiB as fast as it can;
  pre-copy still ends within the launcher's bound on rounds
  (LIGEIRO_MIGRATE_ROUNDS), and the destination finds every word as last
  written;
* killed_destination: kill -9 of the destination after the first round:
  the source says "migration failed" and its guest ends as it would have;
* corrupt_file: a saved file with a byte flipped, and one cut in half,
  are refused with LIGEIRO_EXIT_BADIMAGE and a reason, and nothing runs;
* save_restore_console: the save asked for by Ctrl-] s on the console
  instead of the signal;
* migrate_tcp: `dirty` in a 128 MiB guest moved over TCP on the loopback
  address; its first round is long, and the source prints progress lines
  while it works;
* tcp_loopback_only: a TCP address off the loopback is a usage error.

restore_after_reboot saves in one host boot and restores in the next, with
tests/host/reboot.sh, in two short boots of their own: the first saves a
count in each mode and dumps the file and the disk on the console; the
harness gives both to the second boot, whose module, Switcher address and
TSC calibration are new, and there each count goes on from the number
after the last the first boot printed to the end, and the disk holds it.
The second host is up longer at the restore than the first was at the
save; restore_on_a_younger_host restores one before the new TSC has
caught up with the old: the guest's TSC must go on from the saved one.
"""
import pytest

import abi
import harness
import test_native

MODES = ["pv", "trap"]
COUNT = 40		# reboot.sh's count=
# Each boot loads the module and runs two counts of 2 s; the first also
# dumps two saved guests, the second runs two launchers to the end.
REBOOT_TIMEOUT = 300
# reboot.sh's guests: count in each mode, and a pv one that is restored on
# a host younger than the first was when it started.
REBOOT_GUESTS = MODES + ["young"]


def host(request, cpu):
    return request.getfixturevalue("host_" + cpu)


@pytest.mark.parametrize("cpu", test_native.CPUS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("check", ["save_restore", "migrate"])
def test_each_mode(request, cpu, mode, check):
    host(request, cpu).result("mig.%s_%s" % (check, mode))


@pytest.mark.parametrize("cpu", test_native.CPUS)
@pytest.mark.parametrize("check", [
    "dirty_converges", "killed_destination", "corrupt_file",
    "save_restore_console", "migrate_tcp", "tcp_loopback_only"])
def test_checks(request, cpu, check):
    host(request, cpu).result("mig." + check)


@pytest.mark.parametrize("cpu", test_native.CPUS)
def test_downtime_reported(request, cpu):
    """The migration of dirty says how many rounds it took and how long
    the guest stood still: one "MIGRATE dirty" line with both numbers."""
    boot = host(request, cpu)
    boot.result("mig.dirty_converges")
    lines = boot.tagged("MIGRATE")
    fields = dict(kv.split("=", 1) for kv in lines[0][1:] if "=" in kv) \
        if lines else {}
    if not (fields.get("said", "").isdigit() and
            fields.get("downtime_ms", "").isdigit()):
        boot.fail("no rounds or downtime in the MIGRATE line: %s" % lines)


def detail_fields(boot, check):
    """A check's 'k=v' words, whatever its verdict ({} if it is missing)."""
    detail = boot.results.get(check, ("", ""))[1]
    return dict(kv.split("=", 1) for kv in detail.split() if "=" in kv)


@pytest.fixture(scope="module")
def reboot():
    """The two boots of reboot.sh: (the one that saved, the one that
    restored).  The second is not booted when the first dumped nothing
    for it: the save's own checks then say why."""
    saved = harness.boot_host("reboot-save", ["reboot.sh"],
                              timeout=REBOOT_TIMEOUT, extra=["lgphase=save"])
    try:
        files = saved.files()
    except AssertionError:
        files = {}
    if not files:
        return saved, None
    words = ["lgphase=restore"]
    for guest in REBOOT_GUESTS:
        fields = detail_fields(saved, "reboot.save_" + guest)
        words += ["lglast_%s=%s" % (guest, fields.get("last", "none")),
                  "lgstart_%s=%s" % (guest, fields.get("tsc_start", "0")),
                  "lgsaved_%s=%s" % (guest, fields.get("tsc_save", "0"))]
    restored = harness.boot_host(
        "reboot-restore", ["reboot.sh"], timeout=REBOOT_TIMEOUT, extra=words,
        files={"/saved/" + name: data for name, data in files.items()})
    return saved, restored


def restored_count(reboot, guest):
    """Guest GUEST of reboot.sh saved in the first boot and restored in
    the second: it must go on from the number after the last it printed
    to the end, from the disk it left, and leave COUNT on it."""
    saved, restored = reboot
    before = saved.fields("reboot.save_" + guest)
    files = saved.files()
    for name in (guest + ".save", guest + ".img"):
        if name not in files:
            saved.fail("the save of %s dumped no %s" % (guest, name))
    last = int(before["last"])
    if not 1 <= last < COUNT:
        saved.fail("count stopped at %d, not between 1 and %d"
                   % (last, COUNT))
    after = restored.fields("reboot.restore_" + guest)
    want = {"first": str(last + 1), "last": str(COUNT), "disk": str(COUNT),
            "disk_before": before["disk"]}
    got = {key: after.get(key) for key in want}
    if got != want:
        restored.fail("restored after the count stopped at %d: %s, "
                      "expected %s" % (last, got, want))
    return before, after


@pytest.mark.parametrize("mode", MODES)
def test_restore_after_reboot(reboot, mode):
    before, after = restored_count(reboot, mode)
    # reboot.sh waits for it: what the test is about, not what it proves.
    if int(after["tsc_restore"]) <= int(before["tsc_save"]):
        reboot[1].fail("restored at TSC %s, not after the save's %s"
                       % (after["tsc_restore"], before["tsc_save"]))


def test_restore_on_a_younger_host(reboot):
    """young is restored when the second host has been up a little less
    than the first had when young started.  The guest's clock is its TSC,
    which a host's boot starts again from zero: without the saved TSC
    (struct ligeiro_vcpu's tsc, answer_rdtsc()) its clock would wrap,
    and a count would sleep for ever (reboot.sh's comment)."""
    saved, restored = reboot
    before = saved.fields("reboot.save_young")
    after = detail_fields(restored, "reboot.restore_young") \
        if restored else {}
    # The restore must have come at the time it was meant to, or this
    # shows nothing either way.
    if not 0 <= int(after.get("tsc_restore", "-1")) < int(
            before["tsc_start"]):
        pytest.fail("young restored at TSC %s, not before its start at %s"
                    % (after.get("tsc_restore"), before["tsc_start"]),
                    pytrace=False)
    restored_count(reboot, "young")


def test_reboot_boots_are_clean_and_two(reboot):
    """Both boots ended well with no failing check,
    and they were two boots: each says its boot_id (a kernel's random
    one), Switcher address and TSC rate.  The address and the rate
    usually differ too, but may by chance not, so they are shown, not
    compared."""
    ids = []
    for boot in reboot:
        if boot is None:
            reboot[0].fail("the first boot dumped no saved guest")
        failed = {n for n, (v, _) in boot.results.items() if v != "PASS"}
        boot.require_clean(harness.qemu_status(
            abi.GUEST_FAILED if failed else abi.GUEST_OK))
        if failed:
            boot.fail("failed: %s" % sorted(failed))
        lines = boot.tagged("REBOOT")
        if len(lines) != 1:
            boot.fail("%d REBOOT lines, expected one" % len(lines))
        fields = dict(kv.split("=", 1) for kv in lines[0] if "=" in kv)
        print(boot.name, fields)
        ids.append(fields.get("boot_id"))
    assert ids[0] and ids[0] != ids[1], ids
