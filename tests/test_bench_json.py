"""test_bench_json.py - book/bench.json is the one source of the measured
figures: the README's copy of its table must match it, and every
placeholder in a chapter must name a figure it has.

The chapters are filled in by scripts/bookgen.py at `make docs` time; the
README is not built, so its table (between the `<!-- bench:NAME -->`
markers) is compared here with what bookgen.py makes of bench.json.
`make bench` rewrites bench.json; then `scripts/bookgen.py --table NAME
book/bench.json` prints the README's new table.

The live migrations' figures (bench.json's "migration") must also add
up: each round sends what the round before left dirty, the pages sent
in all are the rounds' and the stop-and-copy's, pre-copy stops only at a
small round or at the bound on rounds (LIGEIRO_MIGRATE_ROUNDS), the
downtime is part of the total, and each writer kept the rate it was
asked for.
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
UAPI = ROOT / "hv" / "uapi" / "ligeiro.h"
RATE_SLACK = 0.1	# a writer may fall this far below its rate


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


def uapi_define(name):
    m = re.search(r"^#define\s+%s\s+(\d+)" % name, UAPI.read_text(), re.M)
    return int(m.group(1))


def migration_problems(doc):
    """What does not add up in bench.json's migrations."""
    runs = doc.get("migration", {})
    bound = uapi_define("LIGEIRO_MIGRATE_ROUNDS")
    stop = doc.get("migration_setup", {}).get("stop_pages")
    problems = []
    if "idle" not in runs or not any(m["rate_mib_s"] > 0
                                     for m in runs.values()):
        problems.append("no migration of the idle guest and of a writer")
    for w, m in sorted(runs.items()):
        sent, dirtied, ms = m["sent"], m["dirtied"], m["round_ms"]
        n = len(sent)
        if not 1 <= n <= bound:
            problems.append("%s: %d pre-copy rounds, the bound is %d"
                            % (w, n, bound))
        if not n or len(dirtied) != n or len(ms) != n or \
                m["precopy_rounds"] != n or m["rounds"] != n + 1:
            problems.append("%s: rounds %s, precopy_rounds %s, lists of "
                            "%d, %d, %d" % (w, m["rounds"],
                                            m["precopy_rounds"], n,
                                            len(dirtied), len(ms)))
            continue
        if sent[1:] != dirtied[:-1]:
            problems.append("%s: a round did not send what the one before "
                            "left dirty: sent %s, dirtied %s"
                            % (w, sent, dirtied))
        if m["pages"] != sum(sent) + dirtied[-1]:
            problems.append("%s: %d pages in all, the rounds add up to %d"
                            % (w, m["pages"], sum(sent) + dirtied[-1]))
        if stop and (any(d <= stop for d in dirtied[:-1]) or
                     (dirtied[-1] > stop and n < bound)):
            problems.append("%s: pre-copy stopped at the wrong round "
                            "(dirtied %s, stop at %d or %d rounds)"
                            % (w, dirtied, stop, bound))
        # each figure is whole milliseconds, cut: n + 1 of slack
        if not 0 <= m["downtime_ms"] <= m["total_ms"] or \
                sum(ms) + m["downtime_ms"] > m["total_ms"] + n + 1:
            problems.append("%s: rounds %s ms and downtime %d ms, in a "
                            "total of %d ms" % (w, ms, m["downtime_ms"],
                                                m["total_ms"]))
        rate, kept = m["rate_mib_s"], m["kept_mib_s"]
        if kept > rate + RATE_SLACK or kept < rate * (1 - RATE_SLACK):
            problems.append("%s: asked for %d MiB/s, kept %s"
                            % (w, rate, kept))
    return problems


def test_schema():
    doc = json.loads(BENCH_JSON.read_text())
    assert doc["schema"] == 1
    for k in ("date", "commit", "cpu", "command", "duration_s"):
        assert k in doc["run"], k
    for op in ("syscall", "pagefault", "ctxswitch", "hypercall"):
        assert op in doc["ops"], op


def test_migrations_add_up():
    assert migration_problems(json.loads(BENCH_JSON.read_text())) == []


def test_a_wrong_migration_is_caught():
    """migration_problems() sees each kind of figure that does not fit."""
    doc = json.loads(BENCH_JSON.read_text())
    writer = max(doc["migration"].values(), key=lambda m: len(m["sent"]))
    assert len(writer["sent"]) >= 2, writer
    writer["pages"] += 1
    writer["kept_mib_s"] = writer["rate_mib_s"] / 2
    writer["downtime_ms"] = writer["total_ms"] + 1
    writer["dirtied"][0] += 1
    problems = migration_problems(doc)
    for words in ("pages in all", "kept", "downtime", "left dirty"):
        assert any(words in p for p in problems), (words, problems)
    bound = uapi_define("LIGEIRO_MIGRATE_ROUNDS")
    for m in doc["migration"].values():
        for k in ("sent", "dirtied", "round_ms"):
            m[k] = m[k] + m[k][-1:] * bound
    assert any("the bound is" in p for p in migration_problems(doc))
    del doc["migration"]["idle"]
    assert any("idle" in p for p in migration_problems(doc))


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
