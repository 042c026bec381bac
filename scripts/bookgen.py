#!/usr/bin/env python3
"""bookgen.py - the book's measured figures, filled in at `make docs` time.

    bookgen.py BENCH_JSON SRC_DIR OUT_DIR

copies every SRC_DIR/*.md to OUT_DIR with its placeholders replaced by
figures from BENCH_JSON (book/bench.json, written by `make bench`:
tests/bench.py documents its schema), and writes OUT_DIR/bench-chart.svg
and OUT_DIR/migrate-chart.svg, which chapters show with \\image html.  `bookgen.py --table NAME
BENCH_JSON` prints one table, for README.md, which is not generated:
tests/test_bench_json.py checks its copy there.  Doxygen then reads OUT_DIR
instead of book/ (the Makefile's docs target), so no chapter ever holds a
typed-in measurement.  Two placeholders:

    {{bench:OP.MODE.MEASURE}}   one figure, e.g. {{bench:hypercall.pv.icount}}
                                (MEASURE icount_extra: MODE's instructions
                                minus native's; run.date, run.commit and
                                run.cpu say which run)
    {{bench:counters.PROG.NAME}} a --stats counter of a whole run
    {{bench:migration.WORKLOAD.MEASURE}} a live migration's figure (idle,
                                writer8, ...: MEASURE as bench.py's schema,
                                and first_sent, first_ms, last_pages: round
                                0's pages and time, the stop-and-copy's
                                pages); migration_setup.NAME its setting
    {{benchtable:NAME}}         a whole markdown table, NAME in TABLES below

Counts print with thousands separators (16,619), ratios as 1.4x (64x from
ten up), per-operation exits with two decimals (one from ten up).  A key
that bench.json does not have, or an unknown table, stops the build with
the file, the line and the keys that do exist.
"""
import json
import math
import pathlib
import re
import sys

PLACEHOLDER = re.compile(r"\{\{(bench|benchtable):([^{}]*)\}\}")
COUNTS = ("exits", "hypercalls", "emulated", "notifies", "interrupts")


class Missing(Exception):
    pass


def flatten(doc):
    """{"op.mode.measure": value} for every figure of bench.json."""
    keys = {}
    for op, entry in doc["ops"].items():
        for mode, values in entry.items():
            if isinstance(values, dict):
                for measure, value in values.items():
                    keys["%s.%s.%s" % (op, mode, measure)] = value
        for mode in ("pv", "trap"):
            a = entry.get(mode, {}).get("icount")
            b = entry.get("native", {}).get("icount")
            if a is not None and b is not None:
                keys["%s.%s.icount_extra" % (op, mode)] = a - b
    for prog, names in doc.get("counters", {}).items():
        for name, value in names.items():
            keys["counters.%s.%s" % (prog, name)] = value
    # "ablation.no-fused-switch.ctxswitch.icount": pv with a flag set
    for flag, by_op in doc.get("ablation", {}).items():
        for op, values in by_op.items():
            for measure, value in values.items():
                keys["ablation.%s.%s.%s" % (flag.lstrip("-"), op,
                                            measure)] = value
    # "migration.writer8.downtime_ms": one migration's figure
    for workload, m in doc.get("migration", {}).items():
        for measure, value in m.items():
            if not isinstance(value, list):
                keys["migration.%s.%s" % (workload, measure)] = value
        if m.get("sent"):
            keys["migration.%s.first_sent" % workload] = m["sent"][0]
            keys["migration.%s.first_ms" % workload] = m["round_ms"][0]
            keys["migration.%s.last_pages" % workload] = m["dirtied"][-1]
    for name, value in doc.get("migration_setup", {}).items():
        keys["migration_setup." + name] = value
    for k in ("date", "commit", "cpu"):
        keys["run." + k] = doc["run"][k]
    keys["run.commit"] = keys["run.commit"][:12]
    keys["run.date"] = keys["run.date"][:10]
    return keys


def fmt(key, value):
    """A figure as the book prints it."""
    if isinstance(value, str):
        return value
    # A count measured as the difference of two runs can come out a hair
    # below zero (-0.00): it is none.
    if isinstance(value, float) and abs(value) < 0.005:
        value = 0.0
    measure = key.rsplit(".", 1)[-1]
    if measure.endswith("_mib_s") and isinstance(value, float):
        return "%.1f" % value
    if measure.endswith("_ratio"):
        if value < 1:
            return "%.2fx" % value
        return "%.1fx" % value if value < 10 else "%.0fx" % value
    if measure in COUNTS:
        if isinstance(value, int):
            return str(value)
        return "%.2f" % value if value < 10 else "%.1f" % value
    return "{:,}".format(round(value))


def get(keys, key):
    if key not in keys:
        head = key.split(".")[0] + "."
        near = sorted(k for k in keys if k.startswith(head))
        raise Missing("unknown bench key '%s' (%s)" % (key, "the keys "
                      "starting %s: %s" % (head, " ".join(near)) if near
                      else "see tests/bench.py for the schema"))
    return fmt(key, keys[key])


def opt(keys, key, dash="–"):
    return get(keys, key) if key in keys else dash


# The tables: a header and, per row, a label and one key per column
# (None: an empty cell, a key absent from the run: a dash).
OPS3 = (("system call (`getpid`)", "syscall"),
        ("page fault (demand-zero)", "pagefault"),
        ("context switch (`yield` ping-pong)", "ctxswitch"))
TABLES = {
    # chapter 5: pv against native, instructions and TCG cycles
    "icount": (("operation", "native", "pv", "pv/native"),
               [(label, ["%s.native.icount" % op, "%s.pv.icount" % op,
                         "%s.pv.icount_ratio" % op]) for label, op in OPS3]
               + [("null hypercall round trip",
                   [None, "hypercall.pv.icount", None])]),
    "tcg": (("operation", "native", "pv", "pv/native"),
            [(label, ["%s.native.tcg" % op, "%s.pv.tcg" % op,
                      "%s.pv.tcg_ratio" % op]) for label, op in OPS3]),
    # chapter 8: the three modes, instructions
    "trap": (("per operation", "native", "pv", "trap", "pv / native",
              "trap / native"),
             [(label, ["%s.%s" % (op, k) for k in
                       ("native.icount", "pv.icount", "trap.icount",
                        "pv.icount_ratio", "trap.icount_ratio")])
              for label, op in OPS3]),
    # chapter 8: exits per operation
    "exits": (("per operation", "native", "trap: exits",
               "trap: emulated", "pv: exits", "pv: of them hypercalls"),
              [(label, ["%s.%s" % (op, k) for k in
                        ("native.exits", "trap.exits", "trap.emulated",
                         "pv.exits", "pv.hypercalls")])
               for label, op in OPS3]),
    # chapter 4: the null hypercall, both ways of counting
    "worldswitch": (("null hypercall round trip", "instructions (-icount)",
                     "TSC cycles (TCG)"),
                    [("N = 1,000", ["hypercall_n1000.pv.icount",
                                    "hypercall_n1000.pv.tcg"]),
                     ("N = 100,000", ["hypercall.pv.icount",
                                      "hypercall.pv.tcg"])]),
    # chapter 7: a switch as the processes grow in number
    "procs": (("processes taking turns", "native", "pv", "pv / native",
               "pv, `--roots=4`"),
              [(str(p), ["ctxswitch_p%d.native.icount" % p,
                         "ctxswitch_p%d.pv.icount" % p,
                         "ctxswitch_p%d.pv.icount_ratio" % p,
                         "ablation.roots=4.ctxswitch_p%d.icount" % p])
               for p in (2, 4, 8, 16)]),
    # chapter 15: each optimisation turned off alone, pv, instructions
    "ablation": (("turned off, and what it costs", "with it", "without it"),
                 [("`--no-fused-switch`: a switch, 2 processes",
                   ["ctxswitch.pv.icount",
                    "ablation.no-fused-switch.ctxswitch.icount"]),
                  ("`--no-fast-cr3`: a switch, 2 processes",
                   ["ctxswitch.pv.icount",
                    "ablation.no-fast-cr3.ctxswitch.icount"]),
                  ("`--no-prefetch`: a demand-zero page fault",
                   ["pagefault.pv.icount",
                    "ablation.no-prefetch.pagefault.icount"]),
                  ("`--roots=4`: a switch, 8 processes",
                   ["ctxswitch_p8.pv.icount",
                    "ablation.roots=4.ctxswitch_p8.icount"]),
                  ("`--roots=4`: a switch, 16 processes",
                   ["ctxswitch_p16.pv.icount",
                    "ablation.roots=4.ctxswitch_p16.icount"])]),
    # chapter 17: live migrations, wall clock under TCG
    "migration": (("guest", "MiB/s dirtied, asked", "kept", "pre-copy rounds",
                   "pages sent", "of them in round 0", "stop-and-copy pages",
                   "total, ms", "downtime, ms"),
                  [(label, ["migration.%s.%s" % (w, k) for k in
                            ("rate_mib_s", "kept_mib_s", "precopy_rounds",
                             "pages", "first_sent", "last_pages",
                             "total_ms", "downtime_ms")])
                   for label, w in (("idle", "idle"),
                                    ("`writer=8`", "writer8"),
                                    ("`writer=32`", "writer32"))]),
    # chapter 9: the disk
    "diskread": (("sequential 4 KiB reads, KiB/s", "native", "pv", "trap",
                  "pv / native", "trap / native"),
                 [(label, ["diskread.native." + m, "diskread.pv." + m,
                           "diskread.trap." + m, "diskread.pv.%s_ratio" % m,
                           "diskread.trap.%s_ratio" % m])
                  for label, m in (("TCG", "tcg"), ("`-icount`", "icount"))]),
}


def table(keys, name):
    if name not in TABLES:
        raise Missing("unknown bench table '%s' (tables: %s)"
                      % (name, ", ".join(sorted(TABLES))))
    header, rows = TABLES[name]
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for label, cells in rows:
        out.append("| " + " | ".join(
            [label] + ["" if k is None else opt(keys, k) for k in cells])
            + " |")
    return "\n".join(out)


def fill(text, keys, where):
    def one(m):
        try:
            if m.group(1) == "bench":
                return get(keys, m.group(2).strip())
            return table(keys, m.group(2).strip())
        except Missing as e:
            line = text.count("\n", 0, m.start()) + 1
            raise Missing("%s:%d: %s" % (where, line, e)) from None
    return PLACEHOLDER.sub(one, text)


def svg_start(w, h, title):
    """The first lines of a chart of W by H pixels: white, titled."""
    return ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
            % (w, h, w, h),
            '<title>%s</title>' % title,
            '<rect width="100%" height="100%" fill="white"/>']


def chart(keys):
    """pv/native and trap/native under -icount, per operation, as SVG:
    bars on a logarithmic axis from 1x, since trap mode's ratios are a
    hundred times pv's."""
    ops = [(label.split(" (")[0], op) for label, op in OPS3]
    series = (("pv", "#3b7dd8"), ("trap", "#d8643b"))
    top = max([keys.get("%s.%s.icount_ratio" % (op, mode), 1)
               for _, op in ops for mode, _ in series] + [10])
    decades = max(1, math.ceil(math.log10(top)))
    w, h, left, right, up, down = 560, 300, 60, 20, 40, 50
    plot_h = h - up - down
    group = (w - left - right) / len(ops)
    bar = group / 4

    def y(ratio):
        return up + plot_h - plot_h * math.log10(max(ratio, 1)) / decades

    svg = svg_start(w, h, "ligeiro over native, instructions under -icount")
    for d in range(decades + 1):
        yy = y(10 ** d)
        svg.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ccc"/>'
                   % (left, yy, w - right, yy))
        svg.append('<text x="%d" y="%.1f" text-anchor="end">%dx</text>'
                   % (left - 6, yy + 4, 10 ** d))
    for i, (label, op) in enumerate(ops):
        x0 = left + i * group + bar
        for j, (mode, colour) in enumerate(series):
            key = "%s.%s.icount_ratio" % (op, mode)
            if key not in keys:
                continue
            x, yy = x0 + j * bar, y(keys[key])
            svg.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                       'fill="%s"/>' % (x, yy, bar - 2, y(1) - yy, colour))
            svg.append('<text x="%.1f" y="%.1f" text-anchor="middle">%s'
                       '</text>' % (x + bar / 2 - 1, yy - 4,
                                    fmt(key, keys[key])))
        svg.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                   % (x0 + bar, h - down + 18, label))
    for j, (mode, colour) in enumerate(series):
        x = left + 10 + j * 110
        svg.append('<rect x="%d" y="12" width="12" height="12" fill="%s"/>'
                   % (x, colour))
        svg.append('<text x="%d" y="22">%s / native</text>' % (x + 16, mode))
    svg.append('<text x="%d" y="%d" text-anchor="end" fill="#555">CPU=%s, '
               '%s</text>' % (w - right, h - 8, keys["run.cpu"],
                              keys["run.commit"]))
    svg.append("</svg>")
    return "\n".join(svg) + "\n"


def migrate_chart(doc):
    """Pages sent per pre-copy round of each migration, the stop-and-copy
    as the last point (a square), on a logarithmic axis, as SVG, with the
    line below which a round stops pre-copy."""
    runs = sorted(doc.get("migration", {}).values(),
                  key=lambda m: m["rate_mib_s"])
    series = [(m["what"], m["sent"] + m["dirtied"][-1:]) for m in runs
              if m.get("sent")]
    colours = ("#3b7dd8", "#d8643b", "#3ba55c", "#9b59b6")
    stop = doc.get("migration_setup", {}).get("stop_pages")
    w, h, left, right, up, down = 560, 300, 60, 20, 40, 50
    plot_w, plot_h = w - left - right, h - up - down
    top = max([max(ys) for _, ys in series] + [10])
    decades = max(1, math.ceil(math.log10(top)))
    rounds = max([len(ys) for _, ys in series] + [2]) - 1

    def x(r):
        return left + plot_w * r / rounds

    def y(pages):
        return up + plot_h - plot_h * math.log10(max(pages, 1)) / decades

    svg = svg_start(w, h, "Live migration: pages sent per round")
    for d in range(decades + 1):
        svg.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ccc"/>'
                   % (left, y(10 ** d), w - right, y(10 ** d)))
        svg.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                   % (left - 6, y(10 ** d) + 4, "{:,}".format(10 ** d)))
    for r in range(rounds + 1):
        svg.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>'
                   % (x(r), h - down + 16, r))
    svg.append('<text x="%d" y="%d" text-anchor="middle">round (the '
               'square: stop-and-copy)</text>' % (left + plot_w / 2,
                                                 h - down + 32))
    if stop:
        svg.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"'
                   ' stroke-dasharray="2,3"/>' % (left, y(stop), w - right,
                                                  y(stop)))
        svg.append('<text x="%d" y="%.1f" text-anchor="end" fill="#555">'
                   '%d pages: stop and copy</text>'
                   % (w - right, y(stop) - 4, stop))
    for i, (label, ys) in enumerate(series):
        colour = colours[i % len(colours)]
        svg.append('<polyline fill="none" stroke="%s" stroke-width="2" '
                   'points="%s"/>' % (colour, " ".join(
                       "%.1f,%.1f" % (x(r), y(v)) for r, v in enumerate(ys))))
        last = len(ys) - 1
        svg.append('<rect x="%.1f" y="%.1f" width="8" height="8" fill="none"'
                   ' stroke="%s" stroke-width="2"/>'
                   % (x(last) - 4, y(ys[last]) - 4, colour))
        lx = left + 10 + i * 135
        svg.append('<rect x="%d" y="12" width="12" height="12" fill="%s"/>'
                   % (lx, colour))
        svg.append('<text x="%d" y="22">%s</text>' % (
            lx + 16, label.replace("a guest dirtying ", "dirtying ")))
    svg.append('<text x="%d" y="%d" text-anchor="end" fill="#555">pages '
               'sent, TCG, %s</text>' % (w - right, h - 4,
                                         doc["run"]["commit"][:12]))
    svg.append("</svg>")
    return "\n".join(svg) + "\n"


def main(argv):
    if len(argv) == 4 and argv[1] == "--table":
        # bookgen.py --table NAME BENCH_JSON: one table, for README.md
        print(table(flatten(json.loads(pathlib.Path(argv[3]).read_text())),
                    argv[2]))
        return
    if len(argv) != 4:
        sys.exit("usage: bookgen.py BENCH_JSON SRC_DIR OUT_DIR\n"
                 "       bookgen.py --table NAME BENCH_JSON")
    bench, src, out = (pathlib.Path(a) for a in argv[1:])
    try:
        doc = json.loads(bench.read_text())
        keys = flatten(doc)
    except (OSError, ValueError, KeyError) as e:
        sys.exit("bookgen.py: %s: %s (run `make bench`)" % (bench, e))
    out.mkdir(parents=True, exist_ok=True)
    errors = []
    for md in sorted(src.glob("*.md")):
        try:
            text = fill(md.read_text(), keys, md)
        except Missing as e:
            errors.append(str(e))
            continue
        target = out / md.name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    if errors:
        sys.exit("bookgen.py: " + "\nbookgen.py: ".join(errors))
    for stale in set(out.glob("*.md")) - {out / md.name
                                           for md in src.glob("*.md")}:
        stale.unlink()
    (out / "bench-chart.svg").write_text(chart(keys))
    (out / "migrate-chart.svg").write_text(migrate_chart(doc))


if __name__ == "__main__":
    main(sys.argv)
