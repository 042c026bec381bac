"""Guests run: the world switch, hypercalls, signals, migration, leaks.

Each check below is reported by tests/host/worldswitch.sh (prefix ws.)
or by the guest itself through the launcher's console (prefix pv.), in
the same host boots as test_host.py: one under -cpu qemu64, one under
-cpu max.  See book/04-world-switch.md.
"""
import pytest

CHECKS = [
    # the guest's own checks, run under ligeiro
    "pv.init", "pv.irqflag", "pv.nop", "pv.mem",
    # the host script's
    "ws.hello", "ws.exit_code", "ws.stats", "ws.stats_sum", "ws.stats_hcalls",
    "ws.hostile_priv", "ws.hostile_priv_reason",
    "ws.hostile_switcher", "ws.hostile_switcher_reason",
    "ws.hostile_upper", "ws.hostile_upper_reason",
    "ws.hostile_hcall", "ws.hostile_hcall_reason",
    "ws.hostile_badptr", "ws.hostile_badptr_reason",
    "ws.hostile_table-oor", "ws.hostile_table-oor_reason",
    "ws.hostile_table-upper", "ws.hostile_table-upper_reason",
    "ws.hostile_table-loop", "ws.hostile_table-loop_reason",
    "ws.hostile_hlt", "ws.hostile_hlt_reason",
    "ws.hostile_paging", "ws.hostile_paging_reason", "ws.hostile_nmi",
    "ws.spinning", "ws.host_responsive", "ws.sigkill",
    "ws.two_guests", "ws.two_guests_ran", "ws.migrated", "ws.fpu",
    "ws.cycles", "ws.no_leak_pins", "ws.no_leak", "ws.unload",
]


@pytest.mark.parametrize("host", ["host_qemu64", "host_max"])
@pytest.mark.parametrize("check", CHECKS)
def test_worldswitch(request, host, check):
    request.getfixturevalue(host).result(check)
