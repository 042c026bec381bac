"""test_bench_json.py - book/bench.json is the one source of the measured
figures: the README's copy of its table must match it, and every
placeholder in a chapter must name a figure it has.

The chapters are filled in by scripts/bookgen.py at `make docs` time; the
README is not built, so its table (between the `<!-- bench:NAME -->`
markers) is compared here with what bookgen.py makes of bench.json.
`make bench` rewrites bench.json; then `scripts/bookgen.py --table NAME
book/bench.json` prints the README's new table.
"""
import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bookgen  # noqa: E402

BENCH_JSON = ROOT / "book" / "bench.json"
README = ROOT / "README.md"
MARKED = re.compile(r"^<!-- bench:(\w+)[^\n]*-->\n(.*?)^<!-- end bench:\1 -->",
                    re.M | re.S)
NUMBER = re.compile(r"\d[\d,.]*x?")


def keys(path=BENCH_JSON):
    return bookgen.flatten(json.loads(path.read_text()))


def readme_problems(readme_text, figures):
    """What differs between the README's marked tables and bench.json."""
    problems = []
    found = MARKED.findall(readme_text)
    if not found:
        problems.append("README.md has no <!-- bench:NAME --> table")
    for name, text in found:
        want = bookgen.table(figures, name).splitlines()
        have = text.rstrip("\n").splitlines()
        if len(want) != len(have):
            problems.append("bench:%s has %d lines, bench.json gives %d"
                            % (name, len(have), len(want)))
            continue
        for w, h in zip(want, have):
            if NUMBER.findall(w) != NUMBER.findall(h):
                problems.append("bench:%s row %r: README %s, bench.json %s"
                                % (name, h.split("|")[1].strip(),
                                   NUMBER.findall(h), NUMBER.findall(w)))
    return problems


def placeholder_problems(book_dir, figures):
    """Placeholders in book/*.md that bench.json cannot fill."""
    problems = []
    for md in sorted(book_dir.glob("*.md")):
        try:
            bookgen.fill(md.read_text(), figures, md.name)
        except bookgen.Missing as e:
            problems.append(str(e))
    return problems


def test_schema():
    doc = json.loads(BENCH_JSON.read_text())
    assert doc["schema"] == 1
    for k in ("date", "commit", "cpu", "command", "duration_s"):
        assert k in doc["run"], k
    for op in ("syscall", "pagefault", "ctxswitch", "hypercall"):
        assert op in doc["ops"], op


def test_readme_matches_bench_json():
    assert readme_problems(README.read_text(), keys()) == []


def test_every_placeholder_has_a_figure():
    assert placeholder_problems(ROOT / "book", keys()) == []


def test_a_changed_figure_is_caught(tmp_path):
    """The checks above fail when bench.json and the text disagree."""
    doc = json.loads(BENCH_JSON.read_text())
    doc["ops"]["syscall"]["trap"]["icount"] += 1
    changed = tmp_path / "bench.json"
    changed.write_text(json.dumps(doc))
    problems = readme_problems(README.read_text(), keys(changed))
    assert any("system call" in p for p in problems), problems
    (tmp_path / "01-x.md").write_text("a {{bench:syscall.pv.nonesuch}}\n")
    problems = placeholder_problems(tmp_path, keys(changed))
    assert len(problems) == 1 and problems[0].startswith(
        "01-x.md:1: unknown bench key 'syscall.pv.nonesuch'"), problems
    with pytest.raises(bookgen.Missing, match="unknown bench table"):
        bookgen.fill("{{benchtable:nonesuch}}", keys(changed), "x")
