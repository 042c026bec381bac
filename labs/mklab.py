#!/usr/bin/python3
"""mklab.py - `make lab LAB=x DEST=dir`: a student tree for labs x (y ...).

The reference marks each piece a lab takes out with a pair of lines

	/* LAB(name): begin */
	...the function's body...
	/* LAB(name): end */

inside a function, whose signature and kernel-doc contract stay.  This
copies the tree (the files git tracks, but not labs/answers/), replaces each marked body of the
chosen labs with its stub from labs/<lab>/stubs.c, checks that not one
line of what it removed survives anywhere in the copy, and makes the copy
a new git repository with a single commit, so not even its history holds
the answer.  The stub keeps the markers, compiles under -Werror and fails
loudly: the guest is killed with "LAB <lab>: <function>() is not written
yet".  `make lab-audit` strips each region alone and checks that its lab's
grade drops.  labs/README.md tells course staff the rest.
"""
import pathlib
import re
import shutil
import subprocess
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"^\s*/\* LAB\((\w+)\): begin \*/$")
END = re.compile(r"^\s*/\* LAB\((\w+)\): end \*/$")
FUNCTION = re.compile(r"^(?:[A-Za-z_][\w ]*[\s*])?(\w+)\(")
STUB = re.compile(r"^/\* (\S+) (\w+)\(\) \*/$")


# The answers to the book's exercises are for course staff: never copied.
STAFF_ONLY = "labs/answers/"


def tracked(top):
    out = subprocess.check_output(["git", "ls-files", "-z"], cwd=top)
    return [p for p in out.decode().split("\0")
            if p and not p.startswith(STAFF_ONLY)]


def regions(text):
    """The marked regions of a file: (lab, function, first, last) with
    first and last the marker lines' indices."""
    lines, found, start = text.split("\n"), [], None
    for i, line in enumerate(lines):
        m = BEGIN.match(line)
        if m:
            start = (m.group(1), i)
            continue
        m = END.match(line)
        if m and start and start[0] == m.group(1):
            head = next(lines[j] for j in range(start[1] - 1, -1, -1)
                        if FUNCTION.match(lines[j]))
            found.append((m.group(1), FUNCTION.match(head).group(1),
                          start[1], i))
            start = None
    return found


def stubs(lab):
    """labs/<lab>/stubs.c: {(file, function): body lines}."""
    path = TOP / "labs" / lab / "stubs.c"
    table, key = {}, None
    for line in path.read_text().split("\n"):
        m = STUB.match(line)
        if m:
            key = (m.group(1), m.group(2))
            table[key] = []
        elif key and not line.startswith("/*"):
            table[key].append(line)
    return {k: "\n".join(v).strip("\n").split("\n") for k, v in table.items()}


def strip(text, name, labs, table, removed, only=None):
    """@text with the chosen labs' regions replaced by their stubs."""
    lines = text.split("\n")
    for lab, function, first, last in reversed(regions(text)):
        if lab not in labs or (only and only != (name, function)):
            continue
        key = (name, function)
        if key not in table:
            raise SystemExit("mklab: %s: no stub for %s() in labs/%s/stubs.c"
                             % (name, function, lab))
        removed += [ln.strip() for ln in lines[first + 1:last]]
        lines[first + 1:last] = table.pop(key)
    return "\n".join(lines)


def make_tree(labs, dest, only=None, git=True):
    dest = pathlib.Path(dest).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit("mklab: %s exists and is not empty" % dest)
    table, removed = {}, []
    for lab in labs:
        if not (TOP / "labs" / lab / "spec.py").is_file():
            raise SystemExit("mklab: no lab %r" % lab)
        table.update(stubs(lab))
    for name in tracked(TOP):
        src, out = TOP / name, dest / name
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix in (".c", ".h", ".S") and "LAB(" in src.read_text():
            out.write_text(strip(src.read_text(), name, labs, table,
                                 removed, only))
        else:
            shutil.copy2(src, out)
    if table and not only:
        raise SystemExit("mklab: stubs with no region: %s" % sorted(table))
    check_gone(dest, removed)
    if git:
        run = dict(cwd=dest, stdout=subprocess.DEVNULL)
        subprocess.check_call(["git", "init", "-q"], **run)
        subprocess.check_call(["git", "add", "-A"], **run)
        subprocess.check_call(["git", "-c", "user.name=ligeiro",
                               "-c", "user.email=labs@ligeiro.invalid",
                               "commit", "-q", "-m",
                               "ligeiro, with lab %s to write" %
                               " ".join(labs)], **run)
    return dest


def check_gone(dest, removed):
    """No removed line may be left in the tree's prose: the book, the
    handouts, a README.  (A line the code has elsewhere too, like a
    `struct switcher_regs *r = &vm->regs;`, is an idiom, not the answer.)"""
    telling = {ln for ln in removed if len(ln) > 24 and
               not ln.startswith(("/*", "*", "//"))}
    for path in list(dest.rglob("*.md")) + list(dest.rglob("*.txt")):
        text = path.read_text()
        for line in telling:
            if line in text:
                raise SystemExit("mklab: %s still holds a removed line: %s"
                                 % (path.relative_to(dest), line))


def main(argv):
    if len(argv) < 3:
        raise SystemExit("usage: mklab.py DEST LAB...   "
                         "(make lab LAB=hypercall DEST=../student)")
    dest = make_tree(argv[2:], argv[1])
    print("mklab: a student tree for %s in %s" % (" ".join(argv[2:]), dest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
