"""ligeiro.ko in the QEMU host: loads, serves /dev/ligeiro, unloads clean.

One host boot per CPU model runs tests/host/foundation.sh, which reports
a RESULT line per check; each check is a test here, and every one of them
fails if the host's kernel log shows an oops or warning anywhere in that
boot.  A third boot gives the host 5-level paging, which the module must
refuse.  See book/16-testing.md.
"""
import pytest

FOUNDATION = [
    "host.loaded", "host.devnode", "host.devmode", "abi.open", "abi.version",
    "abi.unknown_ioctl", "abi.foreign_ioctl", "abi.read", "abi.write",
    "abi.mmap", "abi.two_opens", "abi.create_misaligned", "abi.create_empty",
    "abi.create_huge", "abi.create_entry", "abi.create_boot",
    "abi.create_flags", "abi.create_mode", "abi.create_unmapped",
    "abi.create_roots", "abi.create_pad",
    "abi.create_beyond_ram",
    "abi.run_before_create", "abi.create", "abi.create_twice",
    "abi.create_efault", "abi.run_efault", "abi.irq_before_create",
    "abi.irq_line", "abi.irq",
    "host.abi_probe", "host.launcher_version",
    "host.guest_runs", "host.unload_busy", "host.unload",
    "host.devnode_gone", "host.unload_msg", "host.reload",
]
LA57 = ["host.la57_on", "host.la57_refused", "host.la57_message",
        "host.la57_no_device"]


@pytest.mark.parametrize("host", ["host_qemu64", "host_max"])
@pytest.mark.parametrize("check", FOUNDATION)
def test_foundation(request, host, check):
    request.getfixturevalue(host).result(check)


@pytest.mark.parametrize("host", ["host_qemu64", "host_max"])
def test_no_unexpected_checks_failed(request, host):
    boot = request.getfixturevalue(host)
    boot.require_clean()
    failed = [n for n, (v, _) in boot.results.items() if v != "PASS"]
    assert not failed, "failed: %s" % failed


@pytest.mark.parametrize("check", LA57)
def test_refuses_5level_paging(host_la57, check):
    host_la57.result(check)
