#!/usr/bin/env python3
"""bookcheck.py - does the book name only things that exist?

A chapter that says `shadow_fault()` sends its reader to grep for it; after
a rename, the book must follow.  This checks, over book/*.md:

  names     every file path, function `name()`, ALL_CAPS macro, `struct x`
            and `make target` in backticks exists in the tree (hv/
            launcher/ guest/ include/ tests/ scripts/ labs/ Makefile).
            Skipped: code blocks, the "In the real world" sections and
            chapters 10-15 (they describe Linux, KVM, Xen, VMware), and the
            names in scripts/bookcheck-allow.txt (external names cited
            elsewhere, one a line, # comments).
  coverage  every hypercall and exit reason of hv/uapi/ligeiro.h, every
            pv_ops member (guest/pvops/pvops.h) and every system call
            (guest/kernel/usys.h) appears in its chapter.
  exercises every chapter 00-16 has an `## Exercises` section.
  report    mean sentence length per chapter and the longest sentences
            (information only: never a failure).

Usage: scripts/bookcheck.py [BOOKDIR] [--report FILE]
BOOKDIR defaults to book/; the tree is always this script's own.  Exit 1
and one line per problem when something is wrong.  tests/test_book.py runs
the same checks under `make check`.
"""
import os
import pathlib
import re
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
TREE_DIRS = ["hv", "launcher", "guest", "include", "tests", "scripts", "labs"]
TEXT_EXT = {".c", ".h", ".S", ".s", ".py", ".sh", ".ld", ".lds", ".md",
            ".txt", ".yml", ".yaml", ".json", ".cfg", ""}
# Chapters about other systems: their names are Linux's, KVM's, Xen's.
EXTERNAL_CHAPTERS = set(range(10, 16))
ALLOW_FILE = "bookcheck-allow.txt"

# Where each family of names must be explained.
HCALL_CHAPTER = "05-hypercalls-pvops.md"
PVOPS_CHAPTER = "05-hypercalls-pvops.md"
EXIT_CHAPTER = "03-launcher.md"
SYSCALL_CHAPTER = "02-guest.md"


def chapter_number(path):
    m = re.match(r"(\d\d)-", path.name)
    return int(m.group(1)) if m else None


def chapters(bookdir):
    return sorted(p for p in pathlib.Path(bookdir).glob("*.md")
                  if chapter_number(p) is not None)


# ---------------------------------------------------------------- the tree

_corpus = None


def corpus():
    """(text of every source file, the set of their identifiers, the set
    of paths relative to TOP)."""
    global _corpus
    if _corpus is None:
        texts, paths = [], set()
        files = [TOP / "Makefile"]
        for d in TREE_DIRS:
            for root, dirs, names in os.walk(TOP / d):
                dirs[:] = [x for x in dirs if not x.startswith(".")
                           and x != "__pycache__"]
                for n in names:
                    files.append(pathlib.Path(root) / n)
        for f in files:
            rel = f.relative_to(TOP).as_posix()
            paths.add(rel)
            for parent in pathlib.PurePosixPath(rel).parents:
                paths.add(parent.as_posix())
            if f.suffix in TEXT_EXT or f.name == "Makefile":
                try:
                    texts.append(f.read_text(errors="replace"))
                except OSError:
                    pass
        text = "\n".join(texts)
        _corpus = (text, set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)),
                   paths)
    return _corpus


def make_targets():
    targets = set()
    for line in (TOP / "Makefile").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_. $()/-][^:=#]*?)\s*&?:(?!=)", line)
        if m and not line.startswith("\t"):
            targets.update(m.group(1).split())
        if line.startswith(".PHONY:"):
            targets.update(line.split()[1:])
    return targets


# ---------------------------------------------------------------- the text

def prose_lines(text):
    """(line number, line, section title) of each line outside code
    blocks; section is the current `## ` heading."""
    fence = None
    section = ""
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if fence:
            if s.startswith(fence) or (fence == "\\code" and
                                       s.startswith("\\endcode")):
                fence = None
            continue
        if s.startswith("```") or s.startswith("~~~"):
            fence = s[:3]
            continue
        if s.startswith("\\code") or s.startswith("\\verbatim"):
            fence = "\\code" if s.startswith("\\code") else "\\endverbatim"
            continue
        if line.startswith("    ") and not s.startswith(("-", "*")) \
                and not re.match(r"\d+\.", s):
            # An indented block could be code or a list item's next line;
            # only the latter can contain prose we check, so keep it.
            pass
        m = re.match(r"^##\s+(.*?)\s*(\{#[^}]*\})?\s*$", line)
        if m and not line.startswith("###"):
            section = m.group(1)
        yield i, line, section


def code_spans(line):
    # Doxygen markdown: `x`, and ``x`` for spans containing a backtick.
    return [m.group(2) for m in re.finditer(r"(`+)(.+?)\1", line)]


PATH_EXT = r"\.(?:c|h|S|s|py|sh|ld|lds|md|txt|json|yml|yaml|ko|elf|iso)"
MACRO = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
FUNC = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(.*\)$")
STRUCT = re.compile(r"\bstruct\s+([A-Za-z_][A-Za-z0-9_]*)")
MAKE = re.compile(r"^make\s+(.*)$")


def classify(span):
    """What a code span names: a list of (kind, name)."""
    s = span.strip()
    out = []
    m = MAKE.match(s)
    if m:
        for word in m.group(1).split():
            if word.startswith("-"):
                return out    # make -C dir: a sub-make, not ours
            if "=" in word:
                continue
            out.append(("make target", word))
            break
        return out
    for name in STRUCT.findall(s):
        out.append(("struct", name))
    if out:
        return out
    if " " in s:
        return out
    m = FUNC.match(s)
    if m:
        return [("function", m.group(1))]
    if MACRO.match(s):
        return [("macro", s)]
    if re.search(PATH_EXT + r"$", s) or re.match(
            r"^(?:%s)/" % "|".join(TREE_DIRS), s):
        return [("path", s)]
    return out


def exists(kind, name):
    text, idents, paths = corpus()
    if kind == "make target":
        return name in make_targets()
    if kind == "struct":
        return re.search(r"\bstruct\s+%s\b" % re.escape(name), text) \
            is not None
    if kind in ("function", "macro"):
        return name in idents
    if kind == "path":
        p = name.split(":")[0].rstrip("/")
        if p.startswith(("/", "build/", "~", "$")) or "<" in p:
            return True     # a place on the machine, not in the tree
        if p.startswith("book/"):
            return (TOP / p).exists()
        if "*" in p or "?" in p:
            return bool(list(TOP.glob(p)))
        if "/" in p:
            # guest/user/tests.c may be `user/tests.c` once the text is
            # inside guest/
            return p in paths or (TOP / p).exists() or any(
                x.endswith("/" + p) for x in paths)
        return any(x == p or x.endswith("/" + p) for x in paths)
    return True


def allowlist():
    f = TOP / "scripts" / ALLOW_FILE
    names = set()
    if f.exists():
        for line in f.read_text().splitlines():
            line = line.split("#")[0].strip()
            if line:
                names.add(line)
    return names


def check_names(bookdir):
    allow = allowlist()
    problems = []
    for ch in chapters(bookdir):
        if chapter_number(ch) in EXTERNAL_CHAPTERS:
            continue
        for n, line, section in prose_lines(ch.read_text()):
            if section.lower().startswith("in the real world"):
                continue
            for span in code_spans(line):
                for kind, name in classify(span):
                    if name in allow or span.strip() in allow:
                        continue
                    if not exists(kind, name):
                        problems.append("%s:%d: %s `%s` is not in the tree"
                                        % (ch.name, n, kind, name))
    return problems


# ------------------------------------------------------------ coverage

def uapi_names():
    h = (TOP / "hv/uapi/ligeiro.h").read_text()
    defs = re.findall(r"^#define\s+(LIGEIRO_[A-Z0-9_]+)", h, re.M)
    hcalls = [d for d in defs if d.startswith("LIGEIRO_HCALL_")
              and d not in ("LIGEIRO_HCALL_COUNT", "LIGEIRO_HCALL_VECTOR")]
    exits = [d for d in defs if d.startswith(("LIGEIRO_RUN_",
                                              "LIGEIRO_EXIT_"))]
    return hcalls, exits


def pvops_members():
    h = (TOP / "guest/pvops/pvops.h").read_text()
    body = re.search(r"struct pv_ops\s*\{(.*?)^\};", h, re.S | re.M).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return re.findall(r"\(\s*\*\s*([a-z_][a-z0-9_]*)\s*\)", body)


def syscalls():
    h = (TOP / "guest/kernel/usys.h").read_text()
    return [s for s in re.findall(r"^#define\s+(SYS_[A-Z0-9_]+)", h, re.M)
            if s != "SYS_COUNT"]


def mentioned(text, name, short=None):
    """name appears as a word, or in backticks without the prefix short:
    LIGEIRO_HCALL_NOP may be `HCALL_NOP` or, in the hypercall table,
    `NOP` (the book's habit once the family is clear)."""
    if re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(name),
                 text):
        return True
    for prefix in short or ():
        if name.startswith(prefix) and "`%s`" % name[len(prefix):] in text:
            return True
    return False


def check_coverage(bookdir):
    bookdir = pathlib.Path(bookdir)
    hcalls, exits = uapi_names()
    wanted = [(HCALL_CHAPTER, "hypercall", n,
               ("LIGEIRO_", "LIGEIRO_HCALL_")) for n in hcalls]
    wanted += [(EXIT_CHAPTER, "exit reason", n, ("LIGEIRO_",))
               for n in exits]
    wanted += [(PVOPS_CHAPTER, "pv_ops member", n, None)
               for n in pvops_members()]
    wanted += [(SYSCALL_CHAPTER, "system call", n, None) for n in syscalls()]
    problems = []
    texts = {}
    for chapter, kind, name, short in wanted:
        f = bookdir / chapter
        if chapter not in texts:
            texts[chapter] = f.read_text() if f.exists() else ""
        if not mentioned(texts[chapter], name, short):
            problems.append("%s: the %s %s is never mentioned"
                            % (chapter, kind, name))
    return problems


def check_exercises(bookdir):
    problems = []
    for ch in chapters(bookdir):
        if 0 <= chapter_number(ch) <= 16 and not re.search(
                r"^##\s+Exercises\b", ch.read_text(), re.M):
            problems.append("%s: no `## Exercises` section" % ch.name)
    return problems


def check(bookdir):
    return (check_names(bookdir) + check_coverage(bookdir) +
            check_exercises(bookdir))


# -------------------------------------------------------------- report

ABBREV = {"e.g.", "i.e.", "etc.", "cf.", "vs.", "al.", "fig.", "no.",
          "(e.g.", "(i.e.", "(cf."}


def sentences(text):
    """The sentences of the prose: no code blocks, tables, headings,
    Doxygen commands or HTML."""
    paras, cur = [], []
    for _, line, _ in prose_lines(text):
        s = line.strip()
        if not s or s.startswith(("|", "#", "\\image", "\\dotfile", "<",
                                  "\\htmlonly", "\\endhtmlonly")) \
                or re.match(r"^[-*+]\s|^\d+\.\s", s):
            if cur:
                paras.append(" ".join(cur))
            cur = []
            if re.match(r"^[-*+]\s|^\d+\.\s", s):
                cur = [re.sub(r"^([-*+]|\d+\.)\s+", "", s)]
            continue
        cur.append(s)
    if cur:
        paras.append(" ".join(cur))
    out = []
    for p in paras:
        p = re.sub(r'\\ref\s+\S+\s+"([^"]*)"', r"\1", p)
        p = re.sub(r"\\ref\s+(\S+)", r"\1", p)
        p = re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", p)
        p = re.sub(r"\{#[^}]*\}", "", p)
        start = 0
        for m in re.finditer(r"[.!?]\s+", p):
            before = p[start:m.start() + 1].split()
            if before and before[-1].lower() in ABBREV:
                continue
            out.append(" ".join(before))
            start = m.end()
        if p[start:].split():
            out.append(" ".join(p[start:].split()))
    return out


def report(bookdir):
    lines = ["Sentence length per chapter (words; prose only)", ""]
    longest = []
    for ch in chapters(bookdir):
        sents = sentences(ch.read_text())
        if not sents:
            continue
        lens = [len(s.split()) for s in sents]
        lines.append("%-28s %4d sentences  mean %5.1f  max %3d"
                     % (ch.name, len(sents), sum(lens) / len(lens),
                        max(lens)))
        longest += [(len(s.split()), ch.name, s) for s in sents]
    longest.sort(key=lambda x: -x[0])
    lines += ["", "The five longest sentences:"]
    for n, name, s in longest[:5]:
        lines.append("  %d words, %s: %s" % (n, name, s))
    return "\n".join(lines) + "\n"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    out = None
    if "--report" in argv:
        out = argv[argv.index("--report") + 1]
        args.remove(out)
    bookdir = args[0] if args else TOP / "book"
    rep = report(bookdir)
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        pathlib.Path(out).write_text(rep)
    else:
        sys.stdout.write(rep + "\n")
    problems = check(bookdir)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
