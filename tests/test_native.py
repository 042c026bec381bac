"""The guest alone: booted by GRUB from its ISO in QEMU, ring 0, no ligeiro.

This is the reference every other mode is compared with.  Each boot runs
the `tests` word: the kernel's own checks (IDT, memory map, timer), then
the test suite at ring 3 (guest/user/tests.c: system calls, processes,
scheduling, demand paging, killing a faulty process); the tests read its
RESULT lines and cross-check what the guest says against what QEMU was
told (the amount of RAM).  See book/02-guest.md.

The probe ISO runs the `probe` word instead (guest/selftest/probe.c): PROBE lines
saying what the kernel sees of its ring.  Natively, at ring 0, each must
show the machine as the kernel set it up; book/08-trap-and-emulate.md
sets them beside what trap mode and pv mode show.

The virtio tests boot ISOs of other words with QEMU's own virtio devices
on PCI, modern only (disable-legacy=on): the guest's drivers against real
devices, book/09-virtio.md.  `disktest` writes a pattern to a disk image
the test created with a filler byte; afterwards the image must hold the
pattern exactly where the guest said and the filler everywhere else.
`rngtest` reads the entropy device, `diskread` times sequential reads,
and the shell runs on a virtio console whose input and output are files
(QEMU's pipe chardev opens <path>.in and <path>.out, plain files too).
"""
import re

import pytest

import abi
import harness

CPUS = ["qemu64", "max"]
CHECKS = [
    # the kernel's own
    "idt.exception", "idt.pagefault", "mem.map", "vm.accessed_dirty",
    "timer.ticks",
    # the test suite's, at ring 3
    "sys.getpid", "sys.write", "proc.spawn_wait", "proc.yield",
    "proc.preempt", "proc.sleep", "vm.sbrk", "vm.kernel_read",
    "vm.unmapped", "vm.upper", "proc.privileged", "proc.noleak",
]
BANNER = "ligeiro guest: booted natively (multiboot2)"
PROBE_ISO = harness.BUILD / "guest" / "ligeiro-guest-probe.iso"
PROBE_LINE = re.compile(r"^PROBE (\S+) (\S+)$", re.M)
CR0_PE = 1 << 0     # the CPU's own bit (guest/lib/x86.h), not ligeiro's contract
_boots = {}


def native(cpu, mem="128M"):
    """One boot per (cpu, mem), shared by the tests that read it."""
    key = (cpu, mem)
    if key not in _boots:
        _boots[key] = harness.boot_native("native-%s-%s" % key, cpu=cpu,
                                          mem=mem)
    return _boots[key]


@pytest.mark.parametrize("cpu", CPUS)
def test_banner_and_clean_exit(cpu):
    boot = native(cpu)
    boot.require_clean()
    if BANNER not in boot.transcript:
        boot.fail("no banner %r on the serial port" % BANNER)


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("check", CHECKS)
def test_check(cpu, check):
    native(cpu).result(check)


@pytest.mark.parametrize("cpu", CPUS)
def test_every_reported_check_passed(cpu):
    boot = native(cpu)
    failed = [n for n, (v, _) in boot.results.items() if v != "PASS"]
    assert not failed, "failed checks: %s" % failed
    assert set(CHECKS) <= set(boot.results), "missing: %s" % (
        set(CHECKS) - set(boot.results))


@pytest.mark.parametrize("mem_mib", [128, 512])
def test_memory_map_matches_qemu(mem_mib):
    """The guest's usable RAM is what QEMU has, less the BIOS's reserves.
    The amount is on a line of its own, not in the RESULT line, whose
    detail is the same natively and under ligeiro."""
    boot = native("qemu64", "%dM" % mem_mib)
    boot.result("mem.map")
    found = re.search(r"^mem: usable_kib=(\d+)", boot.transcript, re.M)
    if not found:
        boot.fail("no 'mem: usable_kib=' line")
    usable = int(found.group(1))
    total = mem_mib * 1024
    assert 0.95 * total <= usable <= total, \
        "guest found %d KiB usable with -m %dM" % (usable, mem_mib)


def test_timer_really_ticked():
    fields = native("qemu64").fields("timer.ticks")
    assert int(fields["ticks"]) >= 10, fields


def probe(cpu):
    """One boot of the probe ISO per CPU model."""
    key = ("probe", cpu)
    if key not in _boots:
        _boots[key] = harness.boot("native-probe-" + cpu,
                                   ["native", PROBE_ISO], 120,
                                   {"CPU": cpu, "MEM": "128M"})
    return _boots[key]


def emucheck(cpu):
    """One boot of the emucheck ISO per CPU model (test_trap.py compares)."""
    key = ("emucheck", cpu)
    if key not in _boots:
        _boots[key] = harness.boot("native-emucheck-" + cpu,
                                   ["native", device_iso("emucheck")], 120,
                                   {"CPU": cpu, "MEM": "128M"})
    return _boots[key]


@pytest.mark.parametrize("cpu", CPUS)
def test_probe(cpu):
    """At ring 0 nothing is hidden: the kernel's own ring, its interrupt
    flag as it set it, its own GDT, IDT and task register.  Only UMIP
    depends on the CPU model (`max` has it, qemu64 not); the guest never
    turns it on, so the stores work either way."""
    boot = probe(cpu)
    boot.require_clean()
    count = int(boot.fields("probe")["observations"])
    seen = dict(PROBE_LINE.findall(boot.transcript))
    if len(seen) != count:
        boot.fail("%d PROBE lines, but the guest counted %d"
                  % (len(seen), count))
    expect = {"cs_rpl": "0", "pushf_if_after_cli": "0", "popf_if": "0",
              "umip": "1" if cpu == "max" else "0",
              "sgdt": "guest", "sidt": "guest"}
    wrong = {k: seen.get(k) for k, v in expect.items() if seen.get(k) != v}
    if wrong:
        boot.fail("expected %s, saw %s" % (expect, wrong))
    # smsw and str store values in hex; the TSS selector is the guest's
    # choice (guest/boot/layout.h), so only "some selector" is checked.
    for name in ("smsw", "str"):
        if not re.fullmatch(r"0x[0-9a-f]+", seen.get(name, "")):
            boot.fail("PROBE %s %s: not a value" % (name, seen.get(name)))
    if not int(seen["smsw"], 16) & CR0_PE:
        boot.fail("smsw %s: protection is off?" % seen["smsw"])
    if not int(seen["str"], 16):
        boot.fail("str 0x0: no task register loaded")


# --- virtio, against QEMU's devices --------------------------------------

SECTOR = 512
DISK_SECTORS = 16384            # an 8 MiB image
FILLER = 0xa5
FOUR_GIB = 1 << 32
DISK_LINE = re.compile(r"^DISK pattern sectors=(\d+)$", re.M)
VIRTIO_LINE = re.compile(
    r"^virtio: (\w+) at pci 00:[0-9a-f]{2}\.0 \(regs (0x[0-9a-f]+)\)(.*)$",
    re.M)
CONSOLE_INPUT = "help\nrngtest\nexit\n"


def device_iso(word):
    return harness.BUILD / "guest" / ("ligeiro-guest-%s.iso" % word)


def modern(device, *props):
    """A virtio PCI device with no legacy interface, as the guest wants."""
    return "-device " + ",".join((device, "disable-legacy=on") + props)


def disk_args(image):
    return ["-drive file=%s,if=none,id=d0,format=raw" % image,
            modern("virtio-blk-pci", "drive=d0")]


RNG = modern("virtio-rng-pci")


def boot_devices(name, word, qemu_args, cpu="qemu64"):
    return harness.boot(name, ["native", device_iso(word)], 120,
                        {"CPU": cpu, "MEM": "128M",
                         "QEMU_ARGS": " ".join(qemu_args)})


def found(boot):
    """The devices the guest announced: {kind: (regs, rest of line)}."""
    return {k: (int(r, 16), rest) for k, r, rest
            in VIRTIO_LINE.findall(boot.transcript)}


def pattern(sectors):
    """What disktest writes: byte i of sector s is (s*31 + i*7 + 1) & 0xff."""
    return bytes((s * 31 + i * 7 + 1) & 0xff
                 for s in range(sectors) for i in range(SECTOR))


def blank_disk(tmp_path):
    image = tmp_path / "disk.img"
    image.write_bytes(bytes([FILLER]) * (DISK_SECTORS * SECTOR))
    return image


@pytest.mark.parametrize("cpu", CPUS)
def test_virtio_disk(cpu, tmp_path):
    """Write, flush, read back through virtio-blk; then the image itself
    must hold the pattern in the first N sectors and the filler after."""
    image = blank_disk(tmp_path)
    boot = boot_devices("native-disktest-" + cpu, "disktest",
                        disk_args(image) + [RNG], cpu)
    boot.require_clean()
    for check in ("disk.write", "disk.flush", "disk.readback",
                  "disk.bounds"):
        boot.result(check)
    devices = found(boot)
    if "%d sectors" % DISK_SECTORS not in devices.get("blk", (0, ""))[1]:
        boot.fail("no 'virtio: blk ... %d sectors' line" % DISK_SECTORS)
    if "rng" not in devices:
        boot.fail("the entropy device was not announced")
    n = DISK_LINE.search(boot.transcript)
    if not n:
        boot.fail("no 'DISK pattern sectors=N' line")
    n = int(n.group(1))
    data = image.read_bytes()
    assert len(data) == DISK_SECTORS * SECTOR, "the image changed size"
    want = pattern(n)
    if data[:len(want)] != want:
        bad = next(i for i in range(len(want)) if data[i] != want[i])
        boot.fail("image byte %d (sector %d) is %#x, the pattern says %#x"
                  % (bad, bad // SECTOR, data[bad], want[bad]))
    if data[len(want):].count(FILLER) != len(data) - len(want):
        boot.fail("the image changed beyond the %d sectors written" % n)


def test_virtio_no_disk():
    """Without a disk the system calls say so (-1) and disktest fails
    cleanly, no request ever leaving the guest."""
    boot = boot_devices("native-disktest-nodisk", "disktest", [RNG])
    boot.require_clean(harness.qemu_status(abi.GUEST_FAILED))
    verdict, detail = boot.results.get("disk.write", (None, ""))
    if verdict != "FAIL" or "disk has -1" not in detail:
        boot.fail("disk.write should fail with no disk: %s %s"
                  % (verdict, detail))


@pytest.mark.parametrize("cpu", CPUS)
def test_virtio_rng(cpu):
    boot = boot_devices("native-rngtest-" + cpu, "rngtest", [RNG], cpu)
    boot.require_clean()
    boot.result("rng.read")


def test_virtio_bar_above_4g():
    """A 2 GiB 64-bit BAR makes SeaBIOS move the 64-bit window above
    4 GiB, virtio's register BAR with it: the kernel maps whatever the
    BAR says."""
    boot = boot_devices("native-rngtest-high-bar", "rngtest",
                        ["-device pci-testdev,membar=2G", RNG])
    boot.require_clean()
    boot.result("rng.read")
    regs = found(boot).get("rng", (0,))[0]
    if regs < FOUR_GIB:
        boot.fail("the registers are at %#x, below 4 GiB: the test did "
                  "not test what it says" % regs)


def test_virtio_disk_read_bench(tmp_path):
    boot = boot_devices("native-diskread", "diskread",
                        disk_args(blank_disk(tmp_path)))
    boot.require_clean()
    boot.result("disk.read")
    bench = dict(re.findall(r"^BENCH (\S+) (\d+)", boot.transcript, re.M))
    if int(bench.get("disk_read_kib_per_s", 0)) <= 0:
        boot.fail("no positive BENCH disk_read_kib_per_s")
    if int(bench.get("disk_read_ops", 0)) != DISK_SECTORS * SECTOR // 4096:
        boot.fail("BENCH disk_read_ops %s, expected one per 4 KiB block"
                  % bench.get("disk_read_ops"))


@pytest.mark.parametrize("cpu", CPUS)
def test_virtio_console(cpu, tmp_path):
    """The shell on a virtio console: it takes over the kernel's console
    once found (the serial port says so, then falls silent), reads its
    commands from the console's input and prints everything there."""
    pipe = tmp_path / "vc"
    (tmp_path / "vc.in").write_text(CONSOLE_INPUT)
    (tmp_path / "vc.out").write_text("")
    boot = boot_devices("native-console-" + cpu, "shell", [
        RNG, modern("virtio-serial-pci", "max_ports=1"),
        "-chardev pipe,id=vc0,path=%s" % pipe,
        "-device virtconsole,chardev=vc0"], cpu)
    serial = boot.transcript
    boot = harness.Boot(boot.name, serial + (tmp_path / "vc.out").read_text(),
                        boot.status, boot.timed_out)
    boot.require_clean()
    if "console" not in found(boot) or \
            "console: virtio console from here on" not in serial:
        boot.fail("no virtio console announced on the serial port")
    if "RESULT" in serial:
        boot.fail("RESULT lines on the serial port: the virtio console "
                  "did not take over")
    boot.result("rng.read")
    for text in ("programs: tests", "$ exit",
                 "program shell exited with status 0"):
        if text not in boot.transcript:
            boot.fail("%r is not on the virtio console" % text)
