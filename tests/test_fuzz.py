"""test_fuzz.py - the launcher's input, mutated, under ASan and UBSan.

A hostile guest is not the only attacker a hypervisor has: the guest image
and the command line come from whoever starts the launcher.  Two seeded
fuzzers, both on the build machine (no QEMU):

- tests/unit/fuzz_elf.c mutates the real guest image 10,000 times and hands
  every result to launcher/elf.c in-process, built with AddressSanitizer and
  UndefinedBehaviorSanitizer: a stray read or write, an overflow, a problem
  without a message or an accepted image outside guest memory stops it.
  Every 40th image is kept, with the checker's verdict in its name.
- build/unit/ligeiro-asan, the whole launcher built with the same
  sanitizers, then runs on each kept image (its verdict must be the
  checker's: status 65 with one "ligeiro:" line per problem, or 69 at the
  missing /dev/ligeiro) and on 400 mutated command lines, each built with
  the status the launcher must give it.  No run may end by a signal or a
  sanitizer's report.

The seed is LIGEIRO_SEED if set, else random; it is printed, so a failure
can be replayed with LIGEIRO_SEED=N.  book/03-launcher.md, "Exit statuses",
lists the statuses; book/16-testing.md the layers of tests.
"""
import os
import pathlib
import random
import re
import subprocess
import sys

import pytest

TESTS = pathlib.Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import abi  # noqa: E402

BUILD = TESTS.parent / "build"
FUZZ_ELF = BUILD / "unit" / "fuzz_elf"
LIGEIRO_ASAN = BUILD / "unit" / "ligeiro-asan"
GUEST = BUILD / "guest" / "ligeiro-guest.elf"
DEVICE = pathlib.Path("/dev") / abi.DEVICE_NAME

USAGE = abi.EXIT_USAGE
BADIMAGE = abi.EXIT_BADIMAGE
NODEV = abi.EXIT_NODEV

# A usage error ends with this line after its message.
HINT = "Try 'ligeiro --help' for more information."

MEM_MIN = 2 << 20		# launcher/main.c's MEM_MIN

ELF_CASES = 10000
CMDLINE_CASES = 400

# A sanitizer's report must not look like any status the launcher gives.
SANITIZED_ENV = dict(os.environ,
                     ASAN_OPTIONS="exitcode=99:detect_leaks=1",
                     UBSAN_OPTIONS="halt_on_error=1:exitcode=98")
# Without address-space randomisation: GCC 12's AddressSanitizer can crash
# at random under the larger mmap randomisation of newer kernels
# (vm.mmap_rnd_bits=32), which a CI runner's host may have.
NO_ASLR = ["setarch", "-R"]


def sanitized(args, **kw):
    return subprocess.run(NO_ASLR + args, capture_output=True,
                          env=SANITIZED_ENV, **kw)


def leak_check_works():
    """LeakSanitizer needs ptrace, which some containers deny; then the
    fuzzers run with it off rather than fail for the container's sake."""
    proc = sanitized([str(LIGEIRO_ASAN), "--help"], timeout=60)
    if b"LeakSanitizer has encountered a fatal error" in proc.stderr:
        SANITIZED_ENV["ASAN_OPTIONS"] = "exitcode=99:detect_leaks=0"
        print("LeakSanitizer cannot run here: leaks are not checked")


def seed():
    value = int(os.environ.get("LIGEIRO_SEED") or random.randrange(1 << 31))
    print("fuzz seed: LIGEIRO_SEED=%d" % value)
    return value


def need(*paths):
    for path in paths:
        if not path.exists():
            pytest.fail("%s is missing: run make (it builds tests/unit "
                        "into build/unit)" % path)
    if DEVICE.exists():
        pytest.skip("%s exists here: a good image would really run" % DEVICE)
    leak_check_works()


def launch(args):
    return sanitized([str(LIGEIRO_ASAN)] + args, timeout=60)


def assert_clean(proc, what):
    """Ended by exit(), not a signal or a sanitizer; messages well formed."""
    out = proc.stdout.decode(errors="replace")
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode >= 0, "%s: killed by signal %d\n%s" % (
        what, -proc.returncode, err)
    assert "Sanitizer" not in err and "runtime error" not in err, \
        "%s: sanitizer report\n%s" % (what, err)
    if proc.returncode:
        lines = err.splitlines()
        assert lines, "%s: status %d without a message" % (
            what, proc.returncode)
        assert all(line.startswith("ligeiro: ") or line == HINT
                   for line in lines), \
            "%s: a message without the launcher's name\n%s" % (what, err)
    return out, err


def test_fuzz_elf_in_process(tmp_path):
    need(FUZZ_ELF, LIGEIRO_ASAN, GUEST)
    s = seed()
    proc = sanitized([str(FUZZ_ELF), str(GUEST), str(s), str(ELF_CASES),
                      str(tmp_path)], text=True, timeout=300)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    m = re.search(r"^RESULT fuzz\.elf PASS cases=(\d+) seed=\d+ "
                  r"accepted=(\d+) rejected=(\d+) kinds=(\d+)$",
                  proc.stdout, re.M)
    assert m, proc.stdout
    cases, accepted, rejected, kinds = map(int, m.groups())
    assert cases == ELF_CASES
    # A mutator that breaks nothing, or everything, tests little; and it
    # must reach most of the checker's problems (24 kinds in elf.h).
    assert accepted >= ELF_CASES // 20 and rejected >= ELF_CASES // 2
    assert kinds >= 20

    # The whole launcher, on what was kept, must agree with the checker.
    kept = sorted(tmp_path.glob("*.elf"))
    assert len(kept) == ELF_CASES // 40
    for image in kept:
        number, verdict, mem = re.match(r"(\d+)-(ok|bad)-(\d+)M\.elf$",
                                        image.name).groups()
        proc = launch(["--mem=%sM" % mem, str(image)])
        _, err = assert_clean(proc, image.name)
        want = NODEV if verdict == "ok" else BADIMAGE
        # The launcher's one check beyond elf_check(): the boot block must
        # fit after the image's end (launcher/main.c, load_guest()).
        if verdict == "ok" and "no room for the boot block" in err:
            want = BADIMAGE
        assert proc.returncode == want, "%s: status %d, not %d\n%s" % (
            image.name, proc.returncode, want, err)


def mem_ok(value):
    """Is --mem=value a size the launcher takes (launcher/main.c)?"""
    m = re.fullmatch(r"(\d+)([KkMmGg]?)", value)
    if not m:
        return False
    shift = {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]
    size = int(m.group(1)) << shift
    return (MEM_MIN <= size <= abi.MMIO_BASE and
            size % abi.PAGE_SIZE == 0)


def command_line(rng, files):
    """One mutated command line and the status it must get."""
    good = [["--mode=pv"], ["--mode=trap"], ["--mem=4M"], ["--mem=64M"],
            ["--mem=16384K"], ["--mem=1G"], ["--stats"], ["--no-event-idx"],
            ["--disk=%s" % files["disk"]], ["--disk=%s" % files["empty"]],
            ["--disk=%s" % files["disk"], "--disk-ro"], ["--roots=1"],
            ["--roots=%d" % abi.ROOTS_MAX], ["--roots=7"],
            ["--no-fused-switch"], ["--no-prefetch"], ["--no-kick-poll"],
            ["--no-lazy-host"], ["--no-fast-cr3"]]
    bad = [["--roots=0"], ["--roots=%d" % (abi.ROOTS_MAX + 1)],
           ["--roots="], ["--roots"], ["--roots=4x"], ["--roots=-1"],
           ["--roots=99999999999999999999"], ["--no-fused-switch=1"],
           ["--no-prefetch=0"], ["--no-kick-poll=1"], ["--no-lazy-host=0"],
           ["--no-fast-cr3=1"],
           ["--mem="],
           ["--mem=0"], ["--mem=1"], ["--mem=1M"], ["--mem=-1"],
           ["--mem=64MM"], ["--mem=1.5M"], ["--mem=99999999999999999999"],
           ["--mem=4097"], ["--mem=1T"], ["--mem=%dM" % (8 << 10)],
           ["--mode="], ["--mode=PV"], ["--mode=pvx"], ["--mode=vt-x"],
           ["--mem"], ["--mode"], ["--disk"], ["--disk="],
           ["--bogus"], ["-"], ["--help=1"], ["--stats=1"], ["-x"],
           ["--" + "m" * rng.randrange(1, 5000)],
           ["--mem=" + "".join(rng.choice("0123456789KMG")
                               for _ in range(rng.randrange(1, 30)))],
           ["--mem=%d%s" % (rng.randrange(1 << 14), rng.choice("KMGkmg"))],
           [b"--mode=\xff\xfe"]]
    # A disk that is refused after the image is checked: a usage error,
    # but only once the image is known to be good.  Every file opened
    # read-write is one of the test's own.
    late = [["--disk=%s" % files["odd"]], ["--disk=%s" % files["dir"]],
            ["--disk=%s" % files["missing"]]]
    images = {"good": str(GUEST), "bad": files["badimage"],
              "missing": files["missing"], "dir": files["dir"]}

    # The last --disk= is the one used (a later option overrides).
    args, usage, late_usage, info = [], False, False, False
    for _ in range(rng.randrange(0, 5)):
        kind = rng.choice(["good", "good", "bad", "late", "info"])
        if kind == "good":
            words = rng.choice(good)
            args += words
            if words[0].startswith("--disk="):
                late_usage = False
        elif kind == "bad":
            words = rng.choice(bad)
            # A random --mem= may happen to be a good size: test that too.
            if isinstance(words[0], str) and words[0].startswith("--mem="):
                args += words
                usage = usage or not mem_ok(words[0][len("--mem="):])
                continue
            args += words
            usage = True
        elif kind == "late":
            args += rng.choice(late)
            late_usage = True
        else:
            args.append(rng.choice(["--help", "--version"]))
            info = True
    # --disk-ro alone is a usage error (also reached from "good" above).
    if rng.random() < 0.1:
        args.append("--disk-ro")
    if "--disk-ro" in args and not any(
            isinstance(a, str) and a.startswith("--disk=") for a in args):
        usage = True
    image = rng.choice(["good", "good", "bad", "missing", "dir", "none",
                        "two"])
    if image == "none":
        usage = usage or not info
    elif image == "two":
        args += [str(GUEST), str(GUEST)]
        usage = True
    else:
        args.insert(rng.randrange(len(args) + 1), images[image])
    if rng.random() < 0.3:
        words = ["w" * rng.randrange(1, 600) for _ in range(rng.randrange(8))]
        args += ["--"] + words
        if len(" ".join(words)) > abi.CMDLINE_MAX - 1:
            usage = True

    if usage:
        want = USAGE
    elif info:
        want = 0
    elif image != "good":
        want = BADIMAGE
    elif late_usage:
        want = USAGE
    else:
        want = NODEV
    return args, want


def test_fuzz_command_line(tmp_path):
    need(LIGEIRO_ASAN, GUEST)
    rng = random.Random(seed())
    files = {"disk": tmp_path / "disk.img", "empty": tmp_path / "empty.img",
             "odd": tmp_path / "odd.img", "dir": tmp_path,
             "missing": tmp_path / "missing.elf",
             "badimage": tmp_path / "bad.elf"}
    files["disk"].write_bytes(bytes(4096))
    files["empty"].write_bytes(b"")
    files["odd"].write_bytes(bytes(513))
    files["badimage"].write_bytes(GUEST.read_bytes()[:1000])
    files = {k: str(v) for k, v in files.items()}
    statuses = {}
    for i in range(CMDLINE_CASES):
        args, want = command_line(rng, files)
        proc = launch(args)
        what = "case %d: %r" % (i, args)
        assert_clean(proc, what)
        assert proc.returncode == want, "%s: status %d, not %d\n%s" % (
            what, proc.returncode, want, proc.stderr.decode(errors="replace"))
        statuses[want] = statuses.get(want, 0) + 1
    print("command lines per status:", statuses)
    # Every outcome was reached, so the mutator really explores.
    assert set(statuses) == {0, USAGE, BADIMAGE, NODEV}
    # The disk image the launcher may open read-write is untouched.
    assert pathlib.Path(files["disk"]).read_bytes() == bytes(4096)
