"""A guest cannot hurt its host: segment state, host breakpoints, FPU
state, shadow memory, 100,000 fuzzed hypercalls and every boundary one,
and every privileged and sensitive instruction at ring 1 and ring 3.

Each check is reported by tests/host/hardening.sh (prefix hd.), in the
same host boots as test_host.py: one under -cpu qemu64, one under -cpu
max.  A process of the guest that reaches into the upper half is the
guest suite's vm.upper (test_guestos.py, test_trap.py).  See
book/04-world-switch.md, "What a guest may try".
"""
import pytest

SURVIVED = ["nullss", "fpu", "fpu_trap", "mxcsr", "hcfuzz", "hcfuzz_roots4"]
KILLED = ["xsetbv", "wrpkru"]
CHECKS = (["hd." + n for n in SURVIVED] +
          ["hd.%s_result" % n for n in SURVIVED] +
          ["hd." + n for n in KILLED] +
          ["hd.%s_%s" % (family, end) for family in ("instr", "instr_trap")
           for end in ("kill", "ok", "user")] +
          ["hd.lazy_beside_eager", "hd.eager_beside_lazy"] +
          ["hd.bp_switcher", "hd.bp_guest", "hd.hcfuzz_kill",
           "hd.shadow", "hd.shadow_bounded",
           "hd.shadow_trap", "hd.shadow_trap_bounded",
           "hd.no_leak_pins", "hd.unload", "hd.no_leak"])


@pytest.mark.parametrize("host", ["host_qemu64", "host_max"])
@pytest.mark.parametrize("check", CHECKS)
def test_hardening(request, host, check):
    request.getfixturevalue(host).result(check)


@pytest.mark.parametrize("name", ["hd.fpu_result", "hd.fpu_trap_result"])
def test_pkru_really_denied_all(host_max, name):
    """-cpu max has protection keys: the guest really loaded a PKRU that
    denies every key, so the launcher's survival means something."""
    assert "pkru=0x55555555" in host_max.result(name)


@pytest.mark.parametrize("name", ["hd.fpu_result", "hd.fpu_trap_result"])
def test_pkru_absent_on_qemu64(host_qemu64, name):
    assert "pkru=absent" in host_qemu64.result(name)
