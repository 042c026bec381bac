#!/usr/bin/python3
"""tour.py - the reading order of ligeiro's source, and its check.

Every source file of hv/, launcher/, guest/ and include/ opens with a comment that
ends its story with "Read FILE next." (FILE next to it, or a path from the
top of the tree), and the last one with "This is the end of the tour."
Followed from START, those pointers form one path through every file,
the journey lguest's numbered files made.  `make tour` prints it, each file
with its opening comment; `make check` (tests/test_tour.py) fails on a
loop, a dead end, a file off the path, or a "Book:" pointer to a chapter
or a section title that does not exist.  book/00-introduction.md says how
to use it.
"""
import pathlib
import re
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
START = "guest/boot/boot.S"
FOLDERS = ("hv", "launcher", "guest", "include")
SUFFIXES = (".c", ".h", ".S", ".ld")
END = "This is the end of the tour."
NEXT = re.compile(r"Read\s+(?:\*\s+)?(\S+)\s+(?:\*\s+)?next\.")
BOOK = re.compile(r"(book/[0-9][0-9]-[a-z0-9-]+\.md)(?:,\s+(?:\*\s+)?\"([^\"]+)\")?")
HEADING = re.compile(r"^#+\s+(.*?)\s*(?:\{#[^}]*\})?\s*$", re.M)


def sources():
    """Every file the tour must visit, as paths from the top."""
    found = []
    for folder in FOLDERS:
        for path in (TOP / folder).rglob("*"):
            if (path.suffix in SUFFIXES and path.is_file() and
                    not path.name.endswith(".mod.c") and
                    "build" not in path.relative_to(TOP).parts):
                found.append(str(path.relative_to(TOP)))
    return sorted(found)


def opening_comment(name):
    """The first /* ... */ of a file, as plain text."""
    text = (TOP / name).read_text()
    start = text.find("/*")
    end = text.find("*/", start)
    if "SPDX" in text[start:end] and "\n" not in text[start:end]:
        start = text.find("/*", end)        # a licence line, not the story
        end = text.find("*/", start)
    if start < 0 or end < 0 or text[:start].count("\n") > 2:
        return ""
    lines = text[start + 2:end].splitlines()
    return "\n".join(re.sub(r"^\s*\*?\s?", "", line) for line in lines).strip()


def next_of(name, comment):
    """The file a comment points to, as a path from the top, or None."""
    found = NEXT.search(comment)
    if not found:
        return None
    target = found.group(1)
    for base in ((TOP / name).parent, TOP):
        path = (base / target).resolve()
        if path.is_file():
            return str(path.relative_to(TOP))
    return target          # a file that does not exist: reported


def book_problems(name, comment):
    problems = []
    for chapter, section in BOOK.findall(comment.replace("\n", " ")):
        path = TOP / chapter
        if not path.is_file():
            problems.append("%s: Book: %s does not exist" % (name, chapter))
        elif section and section not in HEADING.findall(path.read_text()):
            problems.append('%s: Book: %s has no section "%s"'
                            % (name, chapter, section))
    return problems


def walk():
    """The tour as (file, comment) pairs, and what is wrong with it."""
    files = set(sources())
    tour, problems, seen, name = [], [], set(), START
    while name:
        if name not in files:
            problems.append("the tour reaches %s, which is not a source "
                            "file" % name)
            break
        if name in seen:
            problems.append("the tour loops back to %s" % name)
            break
        seen.add(name)
        comment = opening_comment(name)
        tour.append((name, comment))
        problems += book_problems(name, comment)
        following = next_of(name, comment)
        if following is None and END not in comment:
            problems.append("%s: a dead end (no \"Read FILE next.\")"
                            % name)
        name = following
    problems += ["%s is off the tour" % f for f in sorted(files - seen)]
    for name in sorted(files - seen):
        problems += book_problems(name, opening_comment(name))
    return tour, problems


def main():
    tour, problems = walk()
    for i, (name, comment) in enumerate(tour, 1):
        print("%3d. %s\n" % (i, name))
        print("\n".join("     " + line for line in comment.splitlines()))
        print()
    for problem in problems:
        print("tour: " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
