#!/usr/bin/python3
"""size.py - `make size`: lines of code per folder, without comments and
blank lines, for the budget of book/00-introduction.md."""
import pathlib
import re
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def code_lines(path):
    text = COMMENT.sub("", path.read_text())
    if path.suffix == ".S":
        text = re.sub(r"#[^\n]*", lambda m: m.group(0)
                      if m.group(0).startswith(("#include", "#define", "#if",
                                                "#endif", "#else"))
                      else "", text)
    return sum(1 for line in text.splitlines() if line.strip())


def main():
    folders = {}
    for top in ("hv", "launcher", "guest", "include"):
        for path in sorted((TOP / top).rglob("*")):
            if path.suffix in (".c", ".h", ".S", ".ld") and \
               not path.name.endswith(".mod.c") and path.is_file():
                folder = str(path.parent.relative_to(TOP))
                folders[folder] = folders.get(folder, 0) + code_lines(path)
    for folder, n in sorted(folders.items()):
        print("%-20s %6d" % (folder, n))
    print("%-20s %6d" % ("total", sum(folders.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
