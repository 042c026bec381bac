"""test_launcher.py - the launcher on the build machine, no QEMU needed.

Two layers.  First the C unit test of the ELF checker (tests/unit/test_elf.c),
which breaks a valid image one field at a time; here we only insist that it
ran every case and that every case passed.  The unit test of the module's
instruction decoder (tests/unit/test_decode.c) and of the launcher's
virtqueues and block device (tests/unit/test_vq.c) run here too, for the
same reason: they need nothing but the build machine.  Then the real, static
build/launcher/ligeiro binary, run as a user would: bad command lines, bad
guest images written to a temporary directory, and a good image.  The images
are generated below with `struct`, so no toolchain output is trusted; like
the real guest they carry the ELF note naming ligeiro's entry point.

Each kind of failure must end in its own exit status from ligeiro.h (read
through abi.py) with a message: one line per problem for a bad image.  On a
machine without ligeiro.ko a good image gets as far as /dev/ligeiro and stops
there.  Running guests needs the module, so that is tested in the QEMU host
(tests/host), not here.

book/03-launcher.md describes the launcher; book/16-testing.md the layers of
tests.
"""
import pathlib
import re
import struct
import subprocess
import sys

import pytest

TESTS = pathlib.Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import abi  # noqa: E402

BUILD = TESTS.parent / "build"
LIGEIRO = BUILD / "launcher" / "ligeiro"
TEST_ELF = BUILD / "unit" / "test_elf"
TEST_DECODE = BUILD / "unit" / "test_decode"
TEST_VQ = BUILD / "unit" / "test_vq"
DEVICE = pathlib.Path("/dev") / abi.DEVICE_NAME
# Where the device window starts and guest memory must end.  ligeiro.h
# writes it with a ULL suffix, which abi.py does not read.
MMIO_BASE = int(re.search(r"^#define\s+LIGEIRO_MMIO_BASE\s+(0x[0-9a-fA-F]+)",
                          abi.HEADER.read_text(), re.M).group(1), 16)
MEM_MAX_M = MMIO_BASE >> 20

# Every case tests/unit/test_elf.c must report.  A case that silently stops
# running is as bad as one that fails.
ELF_CASES = {
    "valid", "load", "empty", "truncated", "bad_magic", "class32",
    "big_endian", "bad_version", "wrong_machine", "et_dyn", "bad_ehsize",
    "bad_phentsize", "too_many_phdrs", "phoff_past_eof", "phnum_past_eof",
    "ph_table_wraps", "seg_offset_past_eof", "seg_file_wraps",
    "filesz_gt_memsz", "seg_beyond_memory", "seg_wraps", "seg_overlap",
    "not_identity", "no_load", "entry_outside", "entry_not_exec",
    "note_missing", "note_other_type", "note_past_eof", "note_segment_wraps",
    "note_header_cut", "note_truncated", "note_namesz_overflow",
    "note_descsz_overflow", "note_desc_short", "note_twice",
    "note_entry_outside", "note_entry_not_exec", "multi",
}

# ELF's own numbers (the ELF specification's, not ligeiro's contract).
ELFCLASS32, ELFCLASS64, ELFDATA2LSB, EV_CURRENT = 1, 2, 1, 1
ET_EXEC, ET_DYN = 2, 3
EM_386, EM_X86_64 = 3, 62
PT_LOAD, PT_NOTE, PF_X, PF_R = 1, 4, 1, 4

EHDR64 = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR64 = struct.Struct("<IIQQQQQQ")
EHDR32 = struct.Struct("<16sHHIIIIIHHHHHH")
PHDR32 = struct.Struct("<IIIIIIII")
NHDR = struct.Struct("<III")

LOAD_ADDR = 0x100000            # the guest is linked at 1 MiB
CODE = bytes([0xf4, 0xeb, 0xfd])  # 1: hlt; jmp 1b


def ident(elfclass=ELFCLASS64, magic=b"\x7fELF"):
    return magic + bytes([elfclass, ELFDATA2LSB, EV_CURRENT]) + bytes(9)


def note(entry=LOAD_ADDR, desc=None, name=abi.NOTE_NAME,
         ntype=abi.NOTE_ENTRY):
    """ligeiro's entry note; the name is 8 bytes with its NUL: no padding."""
    name = name.encode() + b"\0"
    if desc is None:
        desc = struct.pack("<Q", entry)
    return NHDR.pack(len(name), len(desc), ntype) + name + desc


def elf64(machine=EM_X86_64, etype=ET_EXEC, memsz=len(CODE),
          magic=b"\x7fELF", notes=note()):
    """A minimal guest: one executable PT_LOAD at 1 MiB, then a PT_NOTE."""
    note_off = EHDR64.size + 2 * PHDR64.size
    code_off = note_off + len(notes)
    eh = EHDR64.pack(ident(magic=magic), etype, machine, EV_CURRENT,
                     LOAD_ADDR, EHDR64.size, 0, 0, EHDR64.size,
                     PHDR64.size, 2, 0, 0, 0)
    ph = PHDR64.pack(PT_LOAD, PF_R | PF_X, code_off, LOAD_ADDR, LOAD_ADDR,
                     len(CODE), memsz, 0x1000)
    ph += PHDR64.pack(PT_NOTE, PF_R, note_off, 0, 0, len(notes), len(notes),
                      4)
    return eh + ph + notes + CODE


def elf32():
    """A well-formed 32-bit i386 executable: fine ELF, wrong class."""
    code_off = EHDR32.size + PHDR32.size
    eh = EHDR32.pack(ident(ELFCLASS32), ET_EXEC, EM_386, EV_CURRENT,
                     LOAD_ADDR, EHDR32.size, 0, 0, EHDR32.size,
                     PHDR32.size, 1, 0, 0, 0)
    ph = PHDR32.pack(PT_LOAD, code_off, LOAD_ADDR, LOAD_ADDR, len(CODE),
                     len(CODE), PF_R | PF_X, 0x1000)
    return eh + ph + CODE


def need(path):
    if not path.is_file():
        pytest.fail("%s is missing: run `make` first (it builds "
                    "launcher/ and tests/unit/ into build/)" % path)
    return path


def run(*args):
    return subprocess.run([str(need(LIGEIRO))] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=60)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_reaches_device(proc):
    """A valid image passed every check; what happens next is the device's."""
    if DEVICE.exists():
        # The module runs this hlt-loop guest; the outcome is its business.
        assert proc.returncode not in (abi.EXIT_USAGE, abi.EXIT_BADIMAGE,
                                       abi.EXIT_NODEV), proc.stderr
    else:
        assert proc.returncode == abi.EXIT_NODEV, proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith("ligeiro: ") and str(DEVICE) in lines[0]


def unit_cases(binary, prefix, counted=True):
    """Run a C unit test; every case must PASS, none may run twice, and
    (when it is @counted) the count it prints at the end must match the
    cases that reported, so none can stop running unnoticed.  Returns
    their names."""
    proc = subprocess.run([str(need(binary))], capture_output=True,
                          text=True, timeout=60)
    results = re.findall(r"^%s %s\.(\S+) (PASS|FAIL)(.*)$"
                         % (abi.RESULT_TAG, prefix), proc.stdout, re.M)
    names = [name for name, _, _ in results]
    failed = ["%s:%s" % (name, why) for name, verdict, why in results
              if verdict != "PASS"]
    assert not failed, proc.stdout
    assert len(names) == len(set(names)), "a case ran twice: %s" % names
    total = re.search(r"^# %s: (\d+) cases, 0 failed$" % prefix,
                      proc.stdout, re.M)
    assert not counted or (total and int(total.group(1)) == len(names)), \
        proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return set(names)


# The unit test of the ELF checker: exactly its known cases.

def test_unit_elf_all_cases_pass():
    names = unit_cases(TEST_ELF, "elf", counted=False)
    assert names == ELF_CASES, (
        "missing %s, unexpected %s" % (sorted(ELF_CASES - names),
                                      sorted(names - ELF_CASES)))


# The unit test of hv/decode.c, the trap-and-emulate decoder; its cases
# are a table in the C file, and it prints their count.

def test_unit_decode_all_cases_pass():
    assert unit_cases(TEST_DECODE, "decode")


# The unit test of launcher/vq.c, mmio.c and blk.c: hostile virtqueues and
# block requests; it prints their count too.

def test_unit_vq_all_cases_pass():
    assert unit_cases(TEST_VQ, "vq")


# The command line.  The guest path never exists: usage errors come first.

@pytest.mark.parametrize("args, problem", [
    ([], "no guest image"),
    (["--bogus", "g.elf"], "unknown option '--bogus'"),
    (["-h", "g.elf"], "unknown option '-h'"),
    (["--mode=fast", "g.elf"], "--mode=fast"),
    (["--mode", "g.elf"], "--mode needs a value"),
    (["--mem", "g.elf"], "--mem needs a value"),
    (["--mem=", "g.elf"], "not a size"),
    (["--mem=-1", "g.elf"], "not a size"),
    (["--mem=64X", "g.elf"], "unknown suffix"),
    (["--mem=64MB", "g.elf"], "unknown suffix"),
    (["--mem=1M", "g.elf"], "less than the minimum"),
    (["--mem=5G", "g.elf"], "more than the maximum"),
    (["--mem=4G", "g.elf"], "more than the maximum"),    # the device window
    (["--mem=%dM" % (MEM_MAX_M + 1), "g.elf"],
     "more than the maximum %dM" % MEM_MAX_M),
    (["--mem=99999999999999999999", "g.elf"], "more than the maximum"),
    (["--mem=3145729", "g.elf"], "not a whole number of 4K pages"),
    (["--disk", "g.elf"], "--disk needs a value"),
    (["--disk=", "g.elf"], "--disk= needs a file name"),
    (["--disk-ro", "g.elf"], "--disk-ro without --disk=FILE"),
    (["--disk-ro=1", "g.elf"], "unknown option '--disk-ro=1'"),
    (["--stats=1", "g.elf"], "unknown option '--stats=1'"),
    (["a.elf", "b.elf"], "two guest images"),
    (["--", "g.elf"], "no guest image"),
    (["g.elf", "--", "x" * abi.CMDLINE_MAX], "longer than %d bytes"
     % (abi.CMDLINE_MAX - 1)),
    # 129 one-letter words and 128 spaces: 257 bytes.
    (["g.elf", "--"] + ["x"] * (abi.CMDLINE_MAX // 2 + 1), "longer than"),
    # Where a migration goes: unix:PATH, or TCP on the loopback only.
    (["--migrate=ftp:x", "g.elf"], "give unix:PATH or tcp:HOST:PORT"),
    (["--migrate=unix:", "g.elf"], "a Unix socket's path"),
    (["--migrate=tcp:192.0.2.1:4444", "g.elf"], "only a loopback address"),
    (["--migrate=tcp:0.0.0.0:4444", "g.elf"], "only a loopback address"),
    (["--migrate=tcp:127.0.0.1:+5", "g.elf"], "a port number"),
    (["--migrate=tcp:127.0.0.1:65536", "g.elf"], "a port number"),
    (["--migrate=tcp:127.0.0.1:0", "g.elf"], "a port number"),
    (["--migrate=tcp:example.org:4444", "g.elf"], "a numeric address"),
    (["--incoming=tcp::4444"], "HOST:PORT"),
    (["--incoming=tcp:localhost"], "HOST:PORT"),
])
def test_usage_error(args, problem):
    proc = run(*args)
    assert proc.returncode == abi.EXIT_USAGE, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    assert lines[0].startswith("ligeiro: ") and problem in lines[0]
    assert "--help" in lines[1]
    assert proc.stdout == ""


def test_help():
    proc = run("--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: ligeiro ")
    for option in ("--mode=pv|trap", "--mem=SIZE", "--stats",
                   "--help", "--version"):
        assert option in proc.stdout
    for status in (abi.EXIT_USAGE, abi.EXIT_BADIMAGE, abi.EXIT_NODEV):
        assert str(status) in proc.stdout
    assert proc.stderr == ""


def test_version():
    proc = run("--version")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "ligeiro launcher: ABI version %d" % abi.ABI_VERSION
    if DEVICE.exists():
        assert lines[1] == "ligeiro.ko: ABI version %d" % abi.ABI_VERSION
    else:
        assert lines[1].startswith("ligeiro.ko: unavailable (%s: " % DEVICE)


# Guest images.

def test_missing_image(tmp_path):
    path = tmp_path / "nothing.elf"
    proc = run(path)
    assert proc.returncode == abi.EXIT_BADIMAGE, proc.stderr
    assert proc.stderr.startswith("ligeiro: %s: " % path)


def test_directory_is_not_an_image(tmp_path):
    proc = run(tmp_path)
    assert proc.returncode == abi.EXIT_BADIMAGE, proc.stderr
    assert "not a regular file" in proc.stderr


# Each bad image and the problems it has, one message line each, in order.
BAD_IMAGES = {
    "empty": (b"", ["too short for an ELF header"]),
    "bad_magic": (elf64(magic=b"\x7fELG"), ["not an ELF file"]),
    "class32": (elf32(), ["not 64-bit"]),
    "two_problems": (elf64(machine=EM_386, etype=ET_DYN),
                     ["not x86-64", "ET_EXEC"]),
    "three_problems": (elf64(machine=EM_386, etype=ET_DYN, memsz=1),
                       ["not x86-64", "ET_EXEC", "larger than p_memsz"]),
    "no_note": (elf64(notes=b""),
                ["no ligeiro entry note: not a ligeiro guest"]),
    "foreign_note": (elf64(notes=note(name="GNU\0\0\0\0")),
                     ["no ligeiro entry note"]),
    "note_desc_short": (elf64(notes=note(desc=bytes(4))),
                        ["descriptor of 4 bytes, not 8"]),
    "note_cut": (elf64(notes=note()[:-4]), ["runs past the end of its segment"]),
    "note_entry_outside": (elf64(notes=note(entry=LOAD_ADDR + len(CODE))),
                           ["ligeiro entry 0x100003 is not in any loadable"]),
}


@pytest.mark.parametrize("name", sorted(BAD_IMAGES))
def test_bad_image(tmp_path, name):
    image, problems = BAD_IMAGES[name]
    path = write(tmp_path, name + ".elf", image)
    proc = run(path)
    assert proc.returncode == abi.EXIT_BADIMAGE, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == len(problems), proc.stderr
    for line, problem in zip(lines, problems):
        assert line.startswith("ligeiro: %s: " % path), line
        assert problem in line
    assert proc.stdout == ""


def test_mem_reaches_the_checker(tmp_path):
    # 2 MiB of code+bss at 1 MiB: too big for --mem=2M, fine in 4M.
    path = write(tmp_path, "big.elf", elf64(memsz=2 << 20))
    proc = run("--mem=2M", path)
    assert proc.returncode == abi.EXIT_BADIMAGE, proc.stderr
    assert "outside guest memory" in proc.stderr
    assert_reaches_device(run("--mem=4M", path))


def test_no_room_for_boot_block(tmp_path):
    # The image ends exactly at the end of a 2M guest: no page is left.
    path = write(tmp_path, "full.elf", elf64(memsz=1 << 20))
    proc = run("--mem=2M", path)
    assert proc.returncode == abi.EXIT_BADIMAGE, proc.stderr
    assert proc.stderr.splitlines() == [
        "ligeiro: %s: no room for the boot block at 0x200000 in 2048K of "
        "guest memory (try a larger --mem)" % path]
    assert_reaches_device(run("--mem=3M", path))


def test_valid_image(tmp_path):
    assert_reaches_device(run(write(tmp_path, "guest.elf", elf64())))


@pytest.mark.parametrize("words", [
    ["x" * (abi.CMDLINE_MAX - 1)],
    ["x"] * (abi.CMDLINE_MAX // 2),     # 128 words, 127 spaces: 255 bytes
])
def test_longest_command_line(tmp_path, words):
    path = write(tmp_path, "guest.elf", elf64())
    assert_reaches_device(run(path, "--", *words))


@pytest.mark.parametrize("args", [
    ["--mode=trap", "--mem=2M", "--stats"],
    ["--mode=pv", "--mem=2048K", "--stats"],
    ["--mem=%dM" % MEM_MAX_M],
    ["--no-event-idx"],
    ["--mem=64m"],
    ["--mem=16777216"],
    ["--migrate=unix:/tmp/ligeiro-test.sock"],
    ["--migrate=tcp:127.0.0.1:4444"],
    ["--migrate=tcp:127.1.2.3:4444"],
    ["--migrate=tcp:localhost:4444"],
    ["--migrate=tcp:::1:4444"],
    ["--migrate=tcp:[::1]:4444"],
    ["--save=/tmp/ligeiro-test.save"],
])
def test_valid_options(tmp_path, args):
    path = write(tmp_path, "guest.elf", elf64())
    assert_reaches_device(run(*args, path, "--", "guest", "--args"))


# The disk is opened after the image is checked; a disk the launcher cannot
# use is a mistake on the command line, reported in one line.

def test_disk(tmp_path):
    guest = write(tmp_path, "guest.elf", elf64())
    odd = write(tmp_path, "odd.img", bytes(1000))
    for args, problem in [
            (["--disk=%s" % odd], "not a whole number of 512-byte sectors"),
            (["--disk=%s" % (tmp_path / "none.img")], "No such file"),
            (["--disk=%s" % tmp_path], "Is a directory"),
            (["--disk=%s" % tmp_path, "--disk-ro"], "not a file or a block"),
    ]:
        proc = run(*args, guest)
        assert proc.returncode == abi.EXIT_USAGE, proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("ligeiro: --disk=")
        assert problem in lines[0], proc.stderr
    disk = write(tmp_path, "disk.img", bytes(4096))
    assert_reaches_device(run("--disk=%s" % disk, guest))
    assert_reaches_device(run("--disk=%s" % disk, "--disk-ro", guest))
    assert disk.read_bytes() == bytes(4096)


# A saved guest (--restore=FILE) is read and checked whole before the
# module is touched, so a damaged file is called damaged even on a
# machine without ligeiro.ko.  The stream's header: launcher/snapshot.c.

def snapshot_header(entry=0x100000, mem_size=64 << 20):
    version = re.search(r"^#define SNAP_VERSION\s+(\d+)",
                        (abi.ROOT / "launcher" / "snapshot.c").read_text(),
                        re.M)
    return (b"LIGEIRO\n" +
            struct.pack("<II", int(version.group(1)), abi.ABI_VERSION) +
            struct.pack("<QQQQIIII", 0, mem_size, entry, 0x1000,
                        abi.MODE_PV, 0, 0, 0))


@pytest.mark.parametrize("name, body, problem", [
    ("header only", snapshot_header(), "the stream ends before"),
    ("an unknown record", snapshot_header() + struct.pack("<II", 99, 0),
     "unknown record type 99"),
    ("a page outside memory", snapshot_header() +
     struct.pack("<IIQ", 1, 8 + 4096, 64 << 20) + bytes(4096),
     "outside the guest's memory"),
    ("an entry outside memory", snapshot_header(entry=64 << 20),
     "impossible machine"),
    ("no magic", b"LIGEIRX\n" + snapshot_header()[8:], "bad magic"),
])
def test_damaged_restore_file(tmp_path, name, body, problem):
    path = write(tmp_path, "guest.save", body)
    proc = run("--restore=%s" % path)
    assert proc.returncode == abi.EXIT_BADIMAGE, proc.stderr
    assert problem in proc.stderr, proc.stderr
    assert proc.stdout == ""
