"""The harness judges boots correctly: it must be able to say "no".

These feed harness.Boot synthetic transcripts and statuses, so that a
triple fault, a timeout, a kernel oops or a missing check can be shown to
fail, without booting anything.
"""
import base64
import gzip
import hashlib
import subprocess

import pytest

import abi
import harness

OK = harness.qemu_status(abi.GUEST_OK)


def boot(text, status=OK, timed_out=False):
    return harness.Boot("synthetic", text, status, timed_out)


def test_debug_exit_statuses_are_odd_and_distinct():
    assert OK % 2 == 1
    assert harness.qemu_status(abi.GUEST_FAILED) % 2 == 1
    assert OK != harness.qemu_status(abi.GUEST_FAILED)


def test_clean_boot_passes():
    # the module explaining why it killed a guest is not kernel trouble
    b = boot("ligeiro: guest killed: general protection fault at rip 0x1\n"
             "RESULT a.b PASS x=1\n")
    assert b.result("a.b") == "x=1"
    assert b.fields("a.b") == {"x": "1"}


def test_another_checks_failure_fails_only_that_check():
    b = boot("RESULT a.b PASS\nRESULT c.d FAIL broken\n",
             harness.qemu_status(abi.GUEST_FAILED))
    assert b.result("a.b") == ""
    with pytest.raises(AssertionError, match="failed: broken"):
        b.result("c.d")
    with pytest.raises(AssertionError, match="exited 3"):
        b.require_clean()


@pytest.mark.parametrize("text,status,timed_out,why", [
    ("RESULT a.b PASS\n", 0, False, "triple fault"),
    ("RESULT a.b PASS\n", 7, False, "exited"),
    ("RESULT a.b PASS\n", OK, True, "timed out"),
    ("RESULT a.b PASS\n[  1.0] BUG: kernel NULL pointer dereference\n", OK,
     False, "kernel trouble"),
    ("RESULT a.b PASS\nOops: 0000 [#1] PREEMPT SMP\n", OK, False, "Oops"),
    ("RESULT a.b PASS\nWARNING: CPU: 1 PID: 7 at x.c:1\n", OK, False,
     "WARNING"),
    ("general protection fault, probably for non-canonical address "
     "0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI\n"
     "RESULT a.b PASS\n", OK, False, "general protection"),
    ("general protection fault: 0000 [#1] SMP\nRESULT a.b PASS\n", OK,
     False, "general protection"),
    # the debugging kernel's detectors (make check-debug)
    ("BUG: KASAN: slab-use-after-free in f+0x1/0x2 [ligeiro]\n"
     "RESULT a.b PASS\n", OK, False, "KASAN"),
    ("RESULT a.b PASS\nunreferenced object 0xffff888001234000 (size 64):\n",
     OK, False, "unreferenced"),
    ("RESULT a.b PASS\nINFO: trying to register non-static key.\n", OK,
     False, "non-static key"),
    ("RESULT a.b PASS\nrcu: INFO: rcu_preempt self-detected stall on CPU\n",
     OK, False, "stall"),
    ("RESULT a.b FAIL broken\n", OK, False, "failed: broken"),
    ("RESULT a.b PASS\nRESULT a.b FAIL later\n", OK, False, "failed: later"),
    ("RESULT x.y PASS\n", OK, False, "never reported"),
])
def test_bad_boots_fail(tmp_path, monkeypatch, text, status, timed_out, why):
    monkeypatch.setattr(harness, "LOGS", tmp_path)
    with pytest.raises(AssertionError, match=why):
        boot(text, status, timed_out).result("a.b")
    # the failing boot's transcript was kept
    assert (tmp_path / "synthetic.log").read_text() == text


def test_debugging_kernel_must_show_its_detectors(tmp_path, monkeypatch):
    """make check-debug: a boot without KASAN's banner or kmemleak's scans
    ran some other kernel, or none of the checks it claims."""
    monkeypatch.setattr(harness, "LOGS", tmp_path)
    live = ("KernelAddressSanitizer initialized (generic)\nRESULT a.b PASS\n"
            "ligeiro-host: kmemleak scanned after /tests/x.sh (5 s)\n")
    b = boot(live)
    b.debug_kernel = True
    assert b.result("a.b") == ""
    for mark in harness.DEBUG_KERNEL_MARKS:
        b = boot(live.replace(mark, "something else"))
        b.debug_kernel = True
        with pytest.raises(AssertionError, match="never said"):
            b.result("a.b")


def dumped(name, data):
    """What lib.sh's dump prints for DATA (gzip | base64, 76 a line)."""
    text = base64.b64encode(gzip.compress(data)).decode()
    lines = [text[i:i + 76] for i in range(0, len(text), 76)]
    return ("FILE-BEGIN %s %d %s\n%s\nFILE-END %s\n"
            % (name, len(data), hashlib.md5(data).hexdigest(),
               "\n".join(lines), name))


def test_dumped_files_come_back_whole(tmp_path, monkeypatch):
    """Boot.files() takes back what dump printed, past a kernel line
    between two lines of base64; a line cut into, or a wrong size, is a
    failure, not a damaged file for the next boot."""
    monkeypatch.setattr(harness, "LOGS", tmp_path)
    data = bytes(range(256)) * 40 + b"the end"
    text = dumped("a.save", data) + dumped("a.img", b"")
    lines = text.split("\n")
    lines.insert(3, "[   12.345678] random: crng init done")
    assert boot("\n".join(lines)).files() == {"a.save": data, "a.img": b""}
    lines = text.split("\n")
    lines[2] = lines[2][:30] + "[ 1.0] x" + lines[2][30:]
    with pytest.raises(AssertionError, match="a.save"):
        boot("\n".join(lines)).files()
    with pytest.raises(AssertionError, match="the host said"):
        boot(text.replace(" %d " % len(data), " %d " % (len(data) + 1))
             ).files()


def test_cpio_unpacks_to_the_files(tmp_path):
    """harness.cpio() writes an archive cpio(1) unpacks to the same
    files, folders made on the way (the kernel reads the same format)."""
    files = {"/saved/a.save": b"\x00\x01" * 1000, "/saved/b/c.img": b"x",
             "/empty": b""}
    archive = tmp_path / "a.cpio"
    archive.write_bytes(harness.cpio(files))
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(["cpio", "-i", "-d", "--quiet", "-F", str(archive)],
                   cwd=out, check=True)
    got = {"/" + str(p.relative_to(out)): p.read_bytes()
           for p in out.rglob("*") if p.is_file()}
    assert got == files
    assert (out / "saved" / "b").is_dir()
