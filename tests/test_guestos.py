"""The guest OS under ligeiro pv mode says exactly what it says natively.

The native boots of test_native.py and the host boots of conftest.py both
run the guest's `tests` word; every RESULT line of the suite must be the
same, verdict and detail, under -cpu qemu64 and -cpu max.  The host boots
also report what the hypervisor's counters show (tests/host/guestos.sh):
system calls without exits, shadow roots found in the cache, batched
page-table updates.  See book/02-guest.md and book/07-shadow-paging.md.
"""
import pytest

import test_native

HOST_CHECKS = ["os.tests", "os.two_oses", "os.sysloop", "os.ctxloop",
               "os.ctxloop_exits", "os.ctxloop_fast",
               "os.ctxloop_no_fast", "os.ctxloop_unfused", "os.ctxring",
               "os.ctxring_roots4", "os.batch"]


@pytest.mark.parametrize("cpu", test_native.CPUS)
@pytest.mark.parametrize("check", test_native.CHECKS)
def test_same_as_native(request, cpu, check):
    host = request.getfixturevalue("host_" + cpu)
    pv = host.result(check)
    native = test_native.native(cpu).result(check)
    assert pv == native, "%s: native says %r, pv says %r" % (
        check, native, pv)


@pytest.mark.parametrize("cpu", test_native.CPUS)
@pytest.mark.parametrize("check", HOST_CHECKS)
def test_counters(request, cpu, check):
    request.getfixturevalue("host_" + cpu).result(check)
