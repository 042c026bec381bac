"""The reading order: one path through every source file (scripts/tour.py).

`make tour` prints it.  Here it must have no loop, no dead end, no file
off the path, and every "Book:" pointer must name a chapter and a section
that exist.  See book/00-introduction.md.
"""
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent /
                       "scripts"))

import tour  # noqa: E402

TOP = tour.TOP


def test_one_path_through_every_file():
    path, problems = tour.walk()
    assert not problems, "\n".join(problems)
    assert len(path) == len(tour.sources())


def test_the_path_ends_where_it_says():
    path, _ = tour.walk()
    assert tour.END in path[-1][1]


def test_every_path_the_book_cites_exists():
    """A chapter that names `guest/kernel/proc.c` sends its reader there;
    after a file moves, the book must follow."""
    cited = re.compile(r"`((?:hv|launcher|guest|include|tests|scripts|labs)/"
                       r"[A-Za-z0-9_./*-]+)`")
    missing = []
    for doc in sorted(TOP.glob("book/*.md")) + [TOP / "README.md"]:
        for path in cited.findall(doc.read_text()):
            if not list(TOP.glob(path.rstrip("/"))):
                missing.append("%s: %s" % (doc.name, path))
    assert not missing, "\n".join(missing)
