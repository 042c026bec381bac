"""The book names only what exists, and covers what it must
(scripts/bookcheck.py).

A chapter that cites `shadow_fault()` or `make bench` sends its reader
to the code; after a rename the book must follow.  Each family of the
ABI -- hypercalls, exit reasons, pv_ops members, system calls -- must be
explained in its chapter, and every chapter ends with exercises.  The
sentence-length report is information only: it goes to
build/book-report.txt (and to the terminal under pytest -s).

BOOKCHECK_BOOK=dir checks another copy of the chapters (for example
HEAD's, unpacked with `git archive HEAD book | tar -x -C /tmp/x`).
"""
import os
import pathlib
import re
import sys

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "scripts"))

import bookcheck  # noqa: E402

BOOK = pathlib.Path(os.environ.get("BOOKCHECK_BOOK", TOP / "book"))
REPORT = pathlib.Path(os.environ.get("BOOK_REPORT",
                                     TOP / "build" / "book-report.txt"))


def test_the_book_cites_only_names_that_exist():
    problems = bookcheck.check_names(BOOK)
    assert not problems, "\n".join(problems)


def test_every_abi_name_is_explained_in_its_chapter():
    problems = bookcheck.check_coverage(BOOK)
    assert not problems, "\n".join(problems)


def test_every_chapter_has_exercises():
    problems = bookcheck.check_exercises(BOOK)
    assert not problems, "\n".join(problems)


def test_the_families_are_not_empty():
    """If a header's layout changes so that the parser finds nothing, the
    coverage test would pass vacuously."""
    hcalls, exits = bookcheck.uapi_names()
    assert len(hcalls) >= 10 and len(exits) >= 5
    assert len(bookcheck.pvops_members()) >= 15
    assert len(bookcheck.syscalls()) >= 10


def test_the_checker_catches_a_bad_name(tmp_path):
    """The name check must be able to fail."""
    # The names are put together here, so that this file, which is in
    # the tree the checker greps, does not contain them.
    x = "zz" + "q"
    (tmp_path / "02-guest.md").write_text(
        "# G {#ch-guest}\n\nSee `%s_function()`, `%s_MACRO`,"
        " `struct %s_struct`, `make %s-target` and"
        " `guest/%s/such.c`.\n\n## Exercises {#g-exercises}\n"
        % (x, x.upper(), x, x, x))
    problems = bookcheck.check_names(tmp_path)
    assert len(problems) == 5, problems


def test_sentence_report():
    """The report asserts nothing about length (an aim, not a rule); it
    must cover every chapter."""
    rep = bookcheck.report(BOOK)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(rep)
    print("\n" + rep)
    for md in sorted(BOOK.glob("[0-9][0-9]-*.md")):
        assert re.search(r"^%s\s+\d+ sentences\s+mean\s+[\d.]+"
                         % re.escape(md.name), rep, re.M), md.name
