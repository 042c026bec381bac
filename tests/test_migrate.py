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
"""
import pytest

import test_native

MODES = ["pv", "trap"]


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
