"""harness.py - boot things under QEMU and read what they say.

Every test of ligeiro that needs a machine comes through here.  A boot is
one run of scripts/qemu.sh (the same script `make run` uses) under a
timeout, with the serial port captured as the *transcript*.  The guest and
the host's test scripts print one machine-readable line per check:

    RESULT <name> PASS [detail...]
    RESULT <name> FAIL <reason...>

and a boot is trusted only if it also ended the way it should: QEMU left
through the isa-debug-exit port with the expected odd status (a triple
fault under -no-reboot exits 0, and is never a pass), within its timeout,
and the host kernel printed no oops, BUG, WARNING, general protection fault
or panic anywhere.  The transcript of a boot is written to build/test-logs
only when a test that used it fails.

A host script can also hand files back (lib.sh's dump prints them on the
console, Boot.files() reads them), and a host boot can be given files
(boot_host(files=...) appends them to its initramfs): so a file made in
one boot can be used in the next, as tests/host/reboot.sh does.

book/16-testing.md explains the layers of tests; conftest.py holds the
shared boots.
"""
import base64
import gzip
import hashlib
import os
import pathlib
import re
import signal
import subprocess
import tempfile
import zlib

import abi

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
QEMU = ROOT / "scripts" / "qemu.sh"
LOGS = BUILD / "test-logs"

ISO = BUILD / "guest" / "ligeiro-guest.iso"
VMLINUZ = BUILD / "host" / "vmlinuz"
INITRD = BUILD / "host" / "initramfs.cpio.gz"
# `make check-debug` boots a debugging host kernel instead (KASAN, lockdep,
# KFENCE, kmemleak: scripts/debugkernel.sh), which under TCG runs several
# times slower: every timeout is multiplied by LIGEIRO_TIMEOUT_SCALE.
VMLINUZ = pathlib.Path(os.environ.get("LIGEIRO_HOST_KERNEL", VMLINUZ))
INITRD = pathlib.Path(os.environ.get("LIGEIRO_HOST_INITRD", INITRD))
TIMEOUT_SCALE = float(os.environ.get("LIGEIRO_TIMEOUT_SCALE", "1"))
# A boot of it that does not show its detectors at work proves nothing:
# KASAN's banner, and host-init.sh's kmemleak scans.
DEBUG_KERNEL_MARKS = ("KernelAddressSanitizer initialized",
                      "kmemleak scanned after")

# What a sick host kernel prints.  Any of these fails every check of a boot.
# A #GP oops reads "general protection fault[, ...]: 0000 [#1] ..."; the
# module's own reasons for killing a guest may name the fault in words.
# The debugging kernel's detectors say "BUG: KASAN: ...", "BUG: KFENCE:
# ...", "WARNING: possible circular locking dependency ...", "WARNING:
# suspicious RCU usage", "BUG: sleeping function called from invalid
# context"; kmemleak's list (host-init.sh prints it) "unreferenced object
# 0x...", and lockdep and the stall detectors a few INFO: lines.
KERNEL_TROUBLE = re.compile(
    r"\bOops\b|\bBUG:|\bWARNING:|Kernel panic|"
    r"general protection fault[^\n]*: [0-9a-f]{4} \[#\d+\]|"
    r"unreferenced object 0x|INFO: trying to register non-static key|"
    r"INFO: task \S+ blocked for more than|detected stalls? on CPU")
RESULT_LINE = re.compile(
    r"^%s (\S+) (PASS|FAIL)\b ?(.*?)\s*$" % abi.RESULT_TAG, re.M)
# A file dumped by lib.sh's dump: its name, size and MD5, then the file
# gzipped in base64 lines, then the end line.
FILE_BLOCK = re.compile(
    r"^FILE-BEGIN (\S+) (\d+) ([0-9a-f]{32})\n(.*?)^FILE-END \1$",
    re.M | re.S)
BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]+$")


def qemu_status(guest_code):
    """The exit status QEMU gives when the guest writes guest_code to the
    debug-exit port: always odd, so never confused with a triple fault."""
    return (guest_code << 1) | 1


class Boot:
    """One finished QEMU run: its transcript, status and RESULT lines."""

    def __init__(self, name, transcript, status, timed_out):
        self.name = name
        self.transcript = transcript
        self.status = status
        self.timed_out = timed_out
        self.debug_kernel = False	# boot_host() sets it for check-debug
        self.results = {}
        for check, verdict, detail in RESULT_LINE.findall(transcript):
            # A check reported twice keeps its worst verdict.
            if self.results.get(check, ("PASS",))[0] != "FAIL":
                self.results[check] = (verdict, detail)

    def save(self):
        """Keep the transcript for a failing test; returns its path."""
        LOGS.mkdir(parents=True, exist_ok=True)
        path = LOGS / (self.name + ".log")
        path.write_text(self.transcript)
        return path

    def problems(self, expect_status):
        """Everything wrong with how the boot ended, as sentences."""
        found = []
        if self.timed_out:
            found.append("timed out")
        elif self.status == 0:
            found.append("QEMU exited 0: a triple fault or a reset, "
                         "not a clean exit")
        elif self.status != expect_status:
            found.append("QEMU exited %d, expected %d"
                         % (self.status, expect_status))
        if self.debug_kernel:
            found += ["the debugging kernel never said %r" % mark
                      for mark in DEBUG_KERNEL_MARKS
                      if mark not in self.transcript]
        trouble = KERNEL_TROUBLE.search(self.transcript)
        if trouble:
            line = self.transcript[:trouble.end()].rsplit("\n", 1)[-1]
            rest = self.transcript[trouble.end():].split("\n", 1)[0]
            found.append("kernel trouble: " + (line + rest).strip())
        return found

    def fail(self, message):
        raise AssertionError("%s\n[%s transcript: %s]"
                             % (message, self.name, self.save()))

    def require_clean(self, expect_status=None):
        """Fail unless the boot ended well (see problems())."""
        if expect_status is None:
            expect_status = qemu_status(abi.GUEST_OK)
        found = self.problems(expect_status)
        if found:
            self.fail("; ".join(found))

    def result(self, check):
        """The detail of a passing check; fails the test otherwise.

        A boot in which *another* check failed ends with the guest's or
        host's failure status; that fails that other check (and the
        boot-wide tests), not this one.  Kernel trouble, a timeout or a
        triple fault fail every check of the boot.
        """
        found = self.problems(qemu_status(abi.GUEST_FAILED))
        if found and "exited" not in found[-1]:
            self.fail("; ".join(found))
        if self.status not in (qemu_status(abi.GUEST_OK),
                               qemu_status(abi.GUEST_FAILED)):
            self.require_clean()
        if check not in self.results:
            self.fail("check %r never reported a result" % check)
        verdict, detail = self.results[check]
        if verdict != "PASS":
            self.fail("check %r failed: %s" % (check, detail))
        return detail

    def tagged(self, tag):
        """The lines that start with TAG (PROBE, COST...), split in words
        after the tag."""
        return [line.split()[1:] for line in self.transcript.splitlines()
                if line.startswith(tag + " ")]

    def fields(self, check):
        """A passing check's detail 'k=v k=v' as a dict of strings."""
        return dict(kv.split("=", 1) for kv in self.result(check).split()
                    if "=" in kv)

    def files(self):
        """The files the boot dumped (lib.sh's dump), by name.

        A line of the kernel's that landed between two lines of base64 is
        left out; one that cut into a line spoils the file, and then its
        size or MD5 disagrees with what the host said, which fails the
        test rather than hand a damaged file to the next boot.
        """
        found = {}
        for name, size, md5, body in FILE_BLOCK.findall(self.transcript):
            text = "".join(line for line in body.splitlines()
                           if BASE64_LINE.match(line))
            try:
                data = gzip.decompress(base64.b64decode(text))
            except (ValueError, OSError, EOFError, zlib.error) as err:
                self.fail("dumped file %s does not decode: %s" % (name, err))
            if (len(data) != int(size) or
                    hashlib.md5(data).hexdigest() != md5):
                self.fail("dumped file %s: %d bytes, MD5 %s; the host "
                          "said %s bytes, MD5 %s"
                          % (name, len(data), hashlib.md5(data).hexdigest(),
                             size, md5))
            found[name] = data
        return found


def boot(name, args, timeout, env=None):
    """Run scripts/qemu.sh ARGS under a timeout; return the Boot."""
    for path in args[1:3]:
        if str(path).startswith(str(BUILD)) and not pathlib.Path(path).exists():
            raise AssertionError("%s is missing: run 'make' first" % path)
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.Popen([str(QEMU)] + [str(a) for a in args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=full_env,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout * TIMEOUT_SCALE)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    return Boot(name, text, proc.returncode, timed_out)


def boot_native(name, cpu="qemu64", mem="128M", timeout=120):
    """The guest alone, from its GRUB ISO."""
    return boot(name, ["native", ISO], timeout, {"CPU": cpu, "MEM": mem})


def cpio(files):
    """A cpio archive in the "newc" format the kernel unpacks into its
    initramfs, holding FILES ({"/abs/path": bytes}) and their folders."""
    entries = {}
    for path, data in files.items():
        parts = pathlib.PurePosixPath(path).relative_to("/").parts
        for i in range(1, len(parts)):
            entries["/".join(parts[:i])] = None
        entries["/".join(parts)] = data
    out = bytearray()
    names = sorted(entries) + ["TRAILER!!!"]
    for ino, name in enumerate(names, 1):
        data = entries.get(name) or b""
        if name == "TRAILER!!!":
            mode, nlink, ino = 0, 1, 0
        elif entries[name] is None:
            mode, nlink = 0o040755, 2
        else:
            mode, nlink = 0o100644, 1
        # ino mode uid gid nlink mtime filesize devmajor devminor
        # rdevmajor rdevminor namesize check, each as 8 hex digits.
        out += b"070701" + b"".join(b"%08X" % v for v in (
            ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0,
            len(name) + 1, 0))
        out += name.encode() + b"\0"
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def boot_host(name, scripts, cpu="qemu64", timeout=900, la57=False,
              extra=(), files=None):
    """The host Linux; its init loads ligeiro.ko and runs each of
    /tests/SCRIPTS in turn, in one boot (a lab's are /labs/LAB/NAME.sh).
    EXTRA words go on the kernel's command line: its init sees name=value
    words as environment variables (lgseed=N for a lab's grader).  FILES
    ({"/abs/path": bytes}) are added to the host's initramfs: the kernel
    unpacks archives one after another, so the initrd of this boot is the
    usual one, zeros up to a multiple of four bytes (where the next archive
    must start), and a gzipped cpio() of FILES."""
    env = {"CPU": cpu, "LA57": "1" if la57 else "0"}
    run = ",".join(s if s.startswith("/") else "/tests/" + s
                   for s in scripts)
    with tempfile.TemporaryDirectory(prefix="ligeiro-initrd-") as tmp:
        initrd = INITRD
        if files:
            if not INITRD.exists():
                raise AssertionError("%s is missing: run 'make' first"
                                     % INITRD)
            initrd = pathlib.Path(tmp) / "initrd"
            base = INITRD.read_bytes()
            initrd.write_bytes(base + b"\0" * (-len(base) % 4) +
                               gzip.compress(cpio(files), 1))
        host = boot(name, ["host", VMLINUZ, initrd, "lgrun=" + run] +
                    list(extra), timeout, env)
    host.debug_kernel = "LIGEIRO_HOST_KERNEL" in os.environ
    return host
