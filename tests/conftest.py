"""conftest.py - the boots that many tests share.

Booting the QEMU host takes seconds even before a test runs, so each boot
happens once per session (a fixture of scope "session") and every check it
reported becomes its own test.  harness.py does the booting and judging.
"""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import harness  # noqa: E402


# Every script that tests the module inside the host, in the order run
# (worldswitch.sh ends by unloading the module).
HOST_SCRIPTS = ["foundation.sh", "guestos.sh", "trap.sh", "virtio.sh",
                "migrate.sh", "hardening.sh", "ioctlfuzz.sh", "worldswitch.sh"]


@pytest.fixture(scope="session")
def host_qemu64():
    """tests/host/*.sh in one host boot, -cpu qemu64."""
    return harness.boot_host("host-qemu64", HOST_SCRIPTS, cpu="qemu64")


@pytest.fixture(scope="session")
def host_max():
    """The same checks on -cpu max (SMEP, SMAP, UMIP, PKU appear)."""
    return harness.boot_host("host-max", HOST_SCRIPTS, cpu="max")


@pytest.fixture(scope="session")
def host_la57():
    """-cpu max *with* 5-level paging: the module must refuse to load."""
    return harness.boot_host("host-la57", ["la57.sh"], cpu="max", la57=True)


def pytest_sessionstart(session):
    """Transcripts of an earlier run's failures would only mislead."""
    for old in harness.LOGS.glob("*.log"):
        old.unlink()
