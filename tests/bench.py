"""bench.py - `make bench`: the guest's costs natively and under ligeiro.

One run boots the guest four ways -- natively from its bench ISO and
under ligeiro in the QEMU host (where the guest runs in pv mode, then in
trap mode), each under plain TCG and under `-icount shift=0` -- and
prints the guest's own measurements side by side with their ratio to
native.  Under TCG a "cycle" is emulated time, not a
hardware cost; under -icount the TSC counts instructions, so those
columns are repeatable to the instruction.  CPU=max picks the CPU model.
The figures and the comparison with Xen's are discussed in
book/05-hypercalls-pvops.md, book/07-shadow-paging.md and
book/08-trap-and-emulate.md.
"""
import os
import re
import sys
import tempfile

import harness
import test_native

BENCH = re.compile(r"^BENCH (\S+) (\d+)", re.M)
ICOUNT = {"QEMU_ARGS": "-icount shift=0", "SMP": "1"}


def measure(name, args, env):
    cpu = os.environ.get("CPU", "qemu64")
    full_env = dict(env, CPU=cpu)
    boot = harness.boot(name, args, 900, full_env)
    boot.require_clean()
    found = {k: int(v) for k, v in BENCH.findall(boot.transcript)}
    if not found:
        boot.fail("no BENCH lines")
    return found


def main():
    iso = harness.BUILD / "guest" / "ligeiro-guest-bench.iso"
    host = ["host", harness.VMLINUZ, harness.INITRD, "quiet",
            "lgrun=/tests/bench.sh"]
    runs = {}
    for mode, env in (("tcg", {}), ("icount", ICOUNT)):
        runs["native", mode] = measure("bench-native-" + mode,
                                       ["native", iso], env)
        # the disk: QEMU's virtio-blk on an 8 MiB file, as bench.sh's
        with tempfile.TemporaryDirectory() as tmp:
            image = os.path.join(tmp, "disk.img")
            with open(image, "wb") as f:
                f.truncate(8 << 20)
            disk_env = dict(env, QEMU_ARGS=" ".join(
                [env.get("QEMU_ARGS", "")] + test_native.disk_args(image)))
            runs["native", mode].update(measure(
                "bench-native-disk-" + mode,
                ["native", test_native.device_iso("diskread")], disk_env))
        hosted = measure("bench-host-" + mode, host, env)
        runs["pv", mode] = {k: v for k, v in hosted.items()
                            if not k.startswith("trap.")}
        runs["trap", mode] = {k[len("trap."):]: v for k, v in hosted.items()
                              if k.startswith("trap.")}
    row = "%-26s %12s %12s %12s %9s %9s"
    for mode, unit in (("tcg", "TSC cycles under TCG"),
                       ("icount", "instructions (-icount)")):
        native, pv, trap = (runs[m, mode] for m in ("native", "pv", "trap"))
        print("\n%s, CPU=%s" % (unit, os.environ.get("CPU", "qemu64")))
        print(row % ("", "native", "pv", "trap", "pv/nat", "trap/nat"))
        for name in sorted(set(native) | set(pv) | set(trap)):
            n, p, t = native.get(name), pv.get(name), trap.get(name)
            print(row % (name, n or "-", p or "-", t or "-",
                         "%.1fx" % (p / n) if n and p else "",
                         "%.1fx" % (t / n) if n and t else ""))


if __name__ == "__main__":
    sys.exit(main())
