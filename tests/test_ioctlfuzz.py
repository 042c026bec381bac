"""/dev/ligeiro attacked from host userspace: 100,000 random ioctls with
predicted answers, CREATE_VM on 16 kinds of memory, 400 guests of random
code, six races around RUN (two threads, close, munmap, fork, interrupt
lines, SIGKILL) and 500 create-run-destroy cycles.

tests/host/ioctlfuzz/ does the attacking and ioctlfuzz.sh measures the
host after each family (prefix if.), in the same host boots as
test_host.py: one under -cpu qemu64, one under -cpu max.  A failing
family prints its seed and the first ten calls that went wrong; lgseed=N
on the host's command line replays it.  See book/14-isolation.md,
"Attacks from the host's side".
"""
import re

import pytest

FAMILIES = ["calls", "vcpu", "memory", "guests", "races", "cycles"]
CHECKS = ["if.%s%s" % (f, s) for f in FAMILIES
          for s in ("", "_pins", "_unload", "_free")]


@pytest.mark.parametrize("host", ["host_qemu64", "host_max"])
@pytest.mark.parametrize("check", CHECKS)
def test_ioctlfuzz(request, host, check):
    request.getfixturevalue(host).result(check)


def test_calls_reached_every_answer(host_qemu64):
    """The random calls are no use if they never get past the door: every
    answer the ABI documents must have come back at least once."""
    detail = host_qemu64.result("if.calls")
    assert re.search(r"^100000 calls, seed \d+:", detail), detail
    for answer in ["ok", "EFAULT", "EINVAL", "EBUSY", "ESRCH", "ENOTTY"]:
        assert re.search(r"\b%s [1-9]" % answer, detail), (answer, detail)


def test_random_guests_all_ended(host_qemu64):
    """Every guest of random bytes ran: none failed to be created, and each
    one's runs were counted as an exit the ABI documents."""
    detail = host_qemu64.result("if.guests")
    m = re.search(r"(\d+) random guests, seed \d+: killed (\d+), "
                  r"shut down (\d+), still running (\d+)", detail)
    assert m, detail
    assert int(m[1]) == 400 and sum(map(int, m.groups()[1:])) == 400
