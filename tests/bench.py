"""bench.py - `make bench`: the guest's costs natively and under ligeiro.

One run boots the guest four ways -- natively from its bench ISO and
under ligeiro in the QEMU host (where the guest runs in pv mode, then in
trap mode), each under plain TCG and under `-icount shift=0` -- and
prints the guest's own measurements side by side with their ratio to
native.  Under TCG a "cycle" is emulated time, not a
hardware cost; under -icount the TSC counts instructions, so those
columns are repeatable to the instruction.  CPU=max picks the CPU model.
One more boot, under TCG, moves the guest live between two launchers,
idle and dirtying its memory at a few rates (bench.sh's lgbench=migrate).

It also writes every figure to book/bench.json, the one source of the
book's measured numbers: scripts/bookgen.py puts them into the chapters
at `make docs` time, and tests/test_bench_json.py checks the README's
copy.  The schema (SCHEMA below says its version):

    {"schema": 1,
     "run": {"date": ISO-8601 UTC, "commit": git HEAD, "dirty": bool,
             "cpu": QEMU's -cpu model, "host_cpu": the build machine's,
             "command": "make bench", "duration_s": seconds},
     "ops": {OP: {"what": text, "unit": text,
                  MODE: {MEASURE: number, ...}, ...}, ...},
     "counters": {PROG: {NAME: number, ...}, ...}}

OP is syscall, pagefault, ctxswitch, ctxswitch_pP (a ring of P = 2, 4,
8, 16 processes), spawn (spawn, exit, wait), unmap512 (512 PTEs at
once), cpuloop (one step of a pure computation), hypercall (n = 100,000
NOPs), hypercall_n1000 or diskread; MODE is native, pv or trap; MEASURE is
icount (per operation under -icount shift=0: instructions, except for
diskread, whose unit is KiB/s of the emulated clock), tcg (the same under
plain TCG: TSC cycles, or KiB/s), icount_ratio and tcg_ratio (pv or trap
over native, for diskread too), and for syscall, ctxswitch and pagefault
exits, hypercalls and emulated (per operation, from the launcher's
--stats: entries into the guest, hypercall exits, emulated instructions;
0 natively); diskread, diskread_noidx (no EVENT_IDX) and diskread_nopoll
(--no-kick-poll), the last two counters only, have those in pv and trap, with notifies and interrupts per read.  A figure a run did not produce is absent, never null.
"counters": {PROG: {NAME: n}} holds the launcher's --stats counters of
whole pv-mode runs of sysloop, ctxloop and batch (NAME as --stats prints
it: entries, exit.hypercall, hcall.new_cr3, shadow_faults, ...).
"ablation": {FLAG: {OP: {"icount": n, "tcg": n}}} holds pv's figures with
one optimisation turned off by a launcher flag (--no-fused-switch,
--no-fast-cr3, --roots=4, --no-prefetch, --no-kick-poll, --no-lazy-host),
beside the default's in "ops".
"migration": {WORKLOAD: {...}} holds one live migration each of the idle
guest (WORKLOAD idle) and of writer=R (writerR: R MiB of pages dirtied a
second, guest/user/writer.c), from bench.sh's MIGRATE lines of the TCG
boot of their own, in milliseconds of the host's wall clock: "what", "rate_mib_s"
(asked), "kept_mib_s" (what the writer really wrote, by the guest's
clock), "rounds" (as the launcher counts them: the pre-copy rounds and
the stop-and-copy), "precopy_rounds", "pages" (sent in all), "total_ms"
(from the signal to the destination's ack), "downtime_ms" (the
stop-and-copy), and per pre-copy round the lists "sent", "dirtied"
(meanwhile: the next round's pages) and "round_ms".  "migration_setup"
says what bounded them: "mem_mib" (the guest's memory, as it saw it),
"max_rounds"
(LIGEIRO_MIGRATE_ROUNDS), and from launcher/migrate.c "stop_pages",
"slice_pages" and "tick_ms"; "writer_pages" and "writer_s" from the
writer's first line.

Besides the JSON it writes build/bench/bench.md (the comparison as
Markdown, Xen's published ratios in its last column, and the ablation
table) and two PNG charts drawn with Debian's python3-matplotlib:
build/bench/bench-ratios.png (pv and trap over native, per operation)
build/bench/bench-procs.png (a switch's cost against processes) and
build/bench/bench-migrate.png (pages sent per pre-copy round, per
migration), and the migrations beside Clark et al.'s published downtimes.
A progress line comes before each boot.

`bench.py --from-logs` rebuilds bench.json from the transcripts of the
last run (build/test-logs/bench-*.log) without booting anything.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import harness
import test_native

SCHEMA = 1
JSON = harness.ROOT / "book" / "bench.json"
BENCH = re.compile(r"^BENCH (\S+) (\d+)", re.M)
ABLATE = re.compile(r"^ABLATE (\S+) (\S+) (\d+)", re.M)
CREATE = re.compile(r"^CREATE (\d+) (\d+)", re.M)
MIGRATE = re.compile(r"^MIGRATE (.*)$", re.M)
WRITER = re.compile(r"writer: \d+ MiB/s over (\d+) pages for (\d+) s")
GUEST_MEM = re.compile(r"^\[mig\.\w+/src\] mem: usable_kib=(\d+)", re.M)
BOOTS = 7			# collect()'s boots, for the progress line
MIGRATE_FLAG = "lgbench=migrate"	# bench.sh: the migrations, only
ICOUNT = {"QEMU_ARGS": "-icount shift=0", "SMP": "1"}
# The guest's BENCH names, and the operations they measure.
RING = (2, 4, 8, 16)		# ctxring's sizes (guest/user/bench.c)
OPS = {"syscall_cycles": "syscall", "pagefault_cycles": "pagefault",
       "ctxswitch_cycles": "ctxswitch",
       **{"ctxring_p%d_cycles" % p: "ctxswitch_p%d" % p for p in RING},
       "spawn_cycles": "spawn", "unmap512_cycles": "unmap512",
       "cpuloop_cycles": "cpuloop",
       "hypercall_cycles_n100000": "hypercall",
       "hypercall_cycles_n1000": "hypercall_n1000",
       "disk_read_kib_per_s": "diskread"}
WHAT = {
    "syscall": ("a system call (getpid)", "instructions or TSC cycles"),
    "pagefault": ("a demand-zero page fault", "instructions or TSC cycles"),
    "ctxswitch": ("a context switch (yield ping-pong)",
                  "instructions or TSC cycles"),
    "spawn": ("a process spawned, exited and waited for",
              "instructions or TSC cycles"),
    "unmap512": ("512 page-table entries unmapped at once",
                 "instructions or TSC cycles"),
    "cpuloop": ("one step of a loop that only computes",
                "instructions or TSC cycles"),
    "hypercall": ("a null hypercall round trip, N = 100,000",
                  "instructions or TSC cycles"),
    "hypercall_n1000": ("a null hypercall round trip, N = 1,000",
                        "instructions or TSC cycles"),
    "diskread": ("sequential 4 KiB reads from an 8 MiB disk",
                 "KiB/s of the guest's clock"),
    "diskread_noidx": ("a 4 KiB read without VIRTIO_RING_F_EVENT_IDX",
                       "counts per read"),
    "diskread_nopoll": ("a 4 KiB read with --no-kick-poll",
                        "counts per read"),
    **{"ctxswitch_p%d" % p: ("a context switch among %d processes in turn"
                             % p, "instructions or TSC cycles")
       for p in RING},
}
# Published ratios to virtualized over native, for the table's last
# column: Barham et al., SOSP 2003, lmbench on a 2.4 GHz Xeon (book/05,
# "Against Xen's"; book/99's bib-barham03).
XEN = {"syscall": (0.45, 0.46), "pagefault": (1.42, 2.73),
       "ctxswitch": (0.77, 1.97)}
# Published migrations, for the migration table's last rows: Clark et al.,
# NSDI 2005 (book/99's bib-clark05), abstract and introduction: downtime
# in ms of a Quake 3 server and of a web server under SPECweb99.
CLARK = (("Quake 3 server", 60), ("SPECweb99 web server", 210))
MIB = 1024			# KiB in a MiB
MS_PER_US = 1000
# bench.sh's COST lines: the loop, its operation, operations per count.
LOOPS = {"sysloop": ("syscall", 1), "ctxloop": ("ctxswitch", 2),
         "pfloop": ("pagefault", 1), "diskread": ("diskread", 1),
         "diskread_noidx": ("diskread_noidx", 1),
         "diskread_nopoll": ("diskread_nopoll", 1)}
COUNTERS = {"entries": "exits", "hypercall": "hypercalls",
            "emulation": "emulated", "notifies": "notifies",
            "interrupts": "interrupts"}


def measure(name, args, env):
    cpu = os.environ.get("CPU", "qemu64")
    full_env = dict(env, CPU=cpu)
    measure.boots += 1
    print("[%d/%d] %s, %.0f s so far" % (measure.boots, BOOTS, name,
                                          time.time() - measure.start),
          flush=True)
    boot = harness.boot(name, args, 900, full_env)
    harness.LOGS.mkdir(parents=True, exist_ok=True)
    (harness.LOGS / (name + ".log")).write_text(boot.transcript)
    boot.require_clean()
    return boot.transcript


def figures(transcript):
    found = {k: int(v) for k, v in BENCH.findall(transcript)}
    if not found:
        raise SystemExit("bench.py: no BENCH lines")
    return found


def exits(transcript):
    """{(mode, op): {measure: per-operation value}} from the COST lines."""
    runs = {}
    for line in transcript.splitlines():
        if line.startswith("COST "):
            mode, loop, n, *kv = line.split()[1:]
            runs.setdefault((mode, loop), {})[int(n)] = {
                k: int(v) for k, v in (f.split("=") for f in kv)}
    per_op = {}
    for (mode, loop), by_n in runs.items():
        (n1, a), (n2, b) = sorted(by_n.items())
        op, per = LOOPS[loop]
        per_op[mode, op] = {COUNTERS[k]: round((b[k] - a[k]) / ((n2 - n1)
                                                                * per), 3)
                            for k in a if k in COUNTERS}
    return per_op


def collect(read):
    """All figures; read(name, args, env) gives one boot's transcript."""
    iso = harness.BUILD / "guest" / "ligeiro-guest-bench.iso"
    host = ["host", harness.VMLINUZ, harness.INITRD, "quiet",
            "lgrun=/tests/bench.sh"]
    runs, costs, counters, ablation, creation = {}, {}, {}, {}, {}
    migration = {}
    for mode, env in (("tcg", {}), ("icount", ICOUNT)):
        runs["native", mode] = figures(read("bench-native-" + mode,
                                            ["native", iso], env))
        # the disk: QEMU's virtio-blk on an 8 MiB file, as bench.sh's
        with tempfile.TemporaryDirectory() as tmp:
            image = os.path.join(tmp, "disk.img")
            with open(image, "wb") as f:
                f.truncate(8 << 20)
            disk_env = dict(env, QEMU_ARGS=" ".join(
                [env.get("QEMU_ARGS", "")] + test_native.disk_args(image)))
            runs["native", mode].update(figures(read(
                "bench-native-disk-" + mode,
                ["native", test_native.device_iso("diskread")], disk_env)))
        # the migrations' figures are wall-clock time: under TCG only
        if mode == "tcg":
            migration = migrations(read("bench-migrate-" + mode,
                                        host + [MIGRATE_FLAG], env))
        transcript = read("bench-host-" + mode, host, env)
        for flag, name, value in ABLATE.findall(transcript):
            if name in OPS:
                ablation.setdefault(flag, {}).setdefault(OPS[name], {})[
                    mode] = int(value)
        for mib, ns in CREATE.findall(transcript):
            creation.setdefault(mib, {})[mode] = int(ns)
        hosted = figures(transcript)
        costs[mode] = exits(transcript)
        counters[mode] = stats(transcript)
        runs["pv", mode] = {k: v for k, v in hosted.items()
                            if not k.startswith("trap.")}
        runs["trap", mode] = {k[len("trap."):]: v for k, v in hosted.items()
                              if k.startswith("trap.")}
    return (runs, costs.get("icount") or costs.get("tcg") or {},
            counters.get("icount") or counters.get("tcg") or {}, ablation,
            creation, migration)


def numbers(text):
    """"1,2,3" as [1, 2, 3]; "" as []."""
    return [int(v) for v in text.split(",") if v]


def migrations(transcript):
    """{"setup": {...}, WORKLOAD: {...}} from bench.sh's MIGRATE lines
    (the schema above); a line with a figure missing is left out."""
    found = {}
    for line in MIGRATE.findall(transcript):
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        try:
            rate = int(f["rate"])
            entry = {"rate_mib_s": rate,
                     "kept_mib_s": round(int(f["kib_s"]) / MIB, 1),
                     "rounds": int(f["rounds"]),
                     "pages": int(f["pages"]),
                     "total_ms": int(f["total_ms"]),
                     "downtime_ms": int(f["downtime_ms"]),
                     "sent": numbers(f["per_round"]),
                     "dirtied": numbers(f["dirtied"]),
                     "round_ms": numbers(f["round_ms"])}
        except (KeyError, ValueError):
            print("bench.py: an incomplete MIGRATE line: " + line)
            continue
        entry["precopy_rounds"] = len(entry["sent"])
        entry["what"] = ("an idle guest" if rate == 0 else
                         "a guest dirtying %d MiB/s" % rate)
        found[f["workload"]] = entry
    if found:
        found["setup"] = migration_setup(transcript)
    return found


def source_define(path, name):
    """The value of "#define NAME value" in a source file of the tree."""
    m = re.search(r"^#define\s+%s\s+(\d+)" % name,
                  (harness.ROOT / path).read_text(), re.M)
    return int(m.group(1)) if m else None


def migration_setup(transcript):
    """What bounds the migrations: the constants they ran with."""
    setup = {"max_rounds": source_define("hv/uapi/ligeiro.h",
                                         "LIGEIRO_MIGRATE_ROUNDS"),
             "stop_pages": source_define("launcher/migrate.c", "STOP_PAGES"),
             "slice_pages": source_define("launcher/migrate.c",
                                          "SLICE_PAGES")}
    tick = source_define("launcher/migrate.c", "TICK_US")
    if tick:
        setup["tick_ms"] = tick // MS_PER_US
    m = GUEST_MEM.search(transcript)
    if m:
        setup["mem_mib"] = int(m.group(1)) // MIB
    m = WRITER.search(transcript)
    if m:
        setup["writer_pages"], setup["writer_s"] = map(int, m.groups())
    return {k: v for k, v in setup.items() if v is not None}


def stats(transcript):
    """{prog: {counter: n}} from bench.sh's STATS lines."""
    found = {}
    for line in transcript.splitlines():
        words = line.split()
        if len(words) == 4 and words[0] == "STATS" and words[3].isdigit():
            found.setdefault(words[1], {})[words[2]] = int(words[3])
    return found


measure.boots, measure.start = 0, time.time()


def document(runs, costs, counters, ablation, creation, migration,
             duration):
    ops = {}
    for bench, op in list(OPS.items()) + [(None, "diskread_noidx"),
                                          (None, "diskread_nopoll")]:
        entry = {"what": WHAT[op][0], "unit": WHAT[op][1]}
        for mode in ("native", "pv", "trap"):
            values = {m: runs[mode, m][bench] for m in ("icount", "tcg")
                      if bench in runs[mode, m]}
            if values:
                entry[mode] = values
        for mode in ("pv", "trap"):
            for m in ("icount", "tcg"):
                n = entry.get("native", {}).get(m)
                v = entry.get(mode, {}).get(m)
                if n and v:
                    entry[mode][m + "_ratio"] = round(v / n, 3)
        for mode in ("pv", "trap"):
            if (mode, op) in costs:
                entry.setdefault(mode, {}).update(costs[mode, op])
                if op in ("syscall", "ctxswitch", "pagefault"):
                    entry.setdefault("native", {}).update(
                        {k: 0 for k in costs[mode, op]})
        ops[op] = entry
    git = ["git", "-C", str(harness.ROOT)]
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = bool(subprocess.run(git + ["status", "--porcelain", "--", "hv",
                                       "launcher", "guest", "include"],
                                capture_output=True, text=True).stdout)
    return {"schema": SCHEMA,
            "run": {"date": datetime.datetime.now(datetime.timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "commit": commit, "dirty": dirty,
                    "cpu": os.environ.get("CPU", "qemu64"),
                    "host_cpu": host_cpu(),
                    "command": "make bench", "duration_s": round(duration)},
            "ops": ops, "counters": counters, "ablation": ablation,
            "creation": creation,
            "migration": {k: v for k, v in migration.items()
                          if k != "setup"},
            "migration_setup": migration.get("setup", {})}


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def table(runs):
    row = "%-26s %12s %12s %12s %9s %9s"
    for mode, unit in (("tcg", "TSC cycles under TCG"),
                       ("icount", "instructions (-icount)")):
        native, pv, trap = (runs[m, mode] for m in ("native", "pv", "trap"))
        print("\n%s, CPU=%s" % (unit, os.environ.get("CPU", "qemu64")))
        print(row % ("", "native", "pv", "trap", "pv/nat", "trap/nat"))
        for name in sorted(set(native) | set(pv) | set(trap)):
            n, p, t = native.get(name), pv.get(name), trap.get(name)
            print(row % (name, n or "-", p or "-", t or "-",
                         "%.1fx" % (p / n) if n and p else "",
                         "%.1fx" % (t / n) if n and t else ""))


def markdown(doc):
    """The comparison a paper would print: instructions (exact) and TCG
    cycles (noisy), exits per operation, and Xen's published ratio."""
    ops = doc["ops"]
    lines = ["| operation | native | pv | trap | pv/native | trap/native "
             "| pv exits | trap exits | Xen/native (SOSP'03) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for op in ["syscall", "hypercall", "pagefault", "ctxswitch"] + [
            "ctxswitch_p%d" % p for p in RING] + [
            "spawn", "unmap512", "cpuloop", "diskread"]:
        e = ops.get(op, {})
        get = lambda mode, key: e.get(mode, {}).get(key)
        fmt = lambda v, f="{:,}": f.format(v) if v is not None else "-"
        xen = XEN.get(op)
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            e.get("what", op), fmt(get("native", "icount")),
            fmt(get("pv", "icount")), fmt(get("trap", "icount")),
            fmt(get("pv", "icount_ratio"), "{:.2f}x"),
            fmt(get("trap", "icount_ratio"), "{:.2f}x"),
            fmt(get("pv", "exits")), fmt(get("trap", "exits")),
            "%.2fx" % (xen[1] / xen[0]) if xen else "-"))
    lines += ["", "Instructions under -icount shift=0 (diskread: KiB/s of "
              "the guest's clock).  Xen: Barham et al., SOSP 2003, lmbench.",
              "", "| optimisation turned off | operation | default pv | "
              "without it | cost |", "|---|---|---:|---:|---:|"]
    for flag, by_op in sorted(doc["ablation"].items()):
        for op, v in sorted(by_op.items()):
            base = ops.get(op, {}).get("pv", {}).get("icount")
            off = v.get("icount")
            if base and off:
                # a cost: diskread's figures are throughputs
                cost = base / off if op == "diskread" else off / base
                lines.append("| `%s` | %s | %s | %s | %.2fx |" % (
                    flag, ops[op]["what"], "{:,}".format(base),
                    "{:,}".format(off), cost))
    lines += ["", "| guest memory | LIGEIRO_CREATE_VM, instructions "
              "(-icount) | ns of the host's clock, TCG |", "|---:|---:|---:|"]
    for mib, v in sorted(doc["creation"].items(), key=lambda kv: int(kv[0])):
        lines.append("| %s MiB | %s | %s |" % (
            mib, "{:,}".format(v["icount"]) if "icount" in v else "-",
            "{:,}".format(v["tcg"]) if "tcg" in v else "-"))
    lines += [""] + migration_table(doc)
    return "\n".join(lines) + "\n"


def migration_order(doc):
    """The workloads, idle first, then by rate."""
    return sorted(doc["migration"],
                  key=lambda w: doc["migration"][w]["rate_mib_s"])


def migration_table(doc):
    """The migrations as Markdown, Clark et al.'s downtimes below."""
    lines = ["| migration (TCG, wall clock) | dirtying, MiB/s asked "
             "| kept | rounds | pages sent | per round | total, ms "
             "| downtime, ms |", "|---|---:|---:|---:|---:|---|---:|---:|"]
    for w in migration_order(doc):
        m = doc["migration"][w]
        lines.append("| %s | %d | %.1f | %d + 1 | %s | %s | %s | %s |" % (
            m["what"], m["rate_mib_s"], m["kept_mib_s"],
            m["precopy_rounds"], "{:,}".format(m["pages"]),
            ", ".join(str(n) for n in m["sent"] + m["dirtied"][-1:]),
            "{:,}".format(m["total_ms"]), "{:,}".format(m["downtime_ms"])))
    for what, ms in CLARK:
        lines.append("| Clark et al. 2005: %s | | | | | | | %d |"
                     % (what, ms))
    setup = doc.get("migration_setup", {})
    lines += ["", "Rounds: pre-copy rounds + the stop-and-copy; per round: "
              "pages sent in each, the last the stop-and-copy's.  Guest "
              "memory %s MiB; at most %s pre-copy rounds.  Milliseconds of "
              "the host's wall clock under TCG: noisy.  Clark et al.: NSDI "
              "2005, Xen on real machines and a real network."
              % (setup.get("mem_mib", "?"), setup.get("max_rounds", "?"))]
    return lines


def charts(doc, out):
    """PNG charts of the run, drawn with Debian's python3-matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench.py: no charts: python3-matplotlib is missing "
              "(scripts/deps.sh installs it)")
        return []
    ops = doc["ops"]
    # costs only: diskread's ratio is of throughputs, where more is better
    names = [op for op in ("syscall", "pagefault", "ctxswitch", "spawn",
                           "unmap512", "cpuloop")
             if ops.get(op, {}).get("pv", {}).get("icount_ratio")]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    width = 0.38
    for i, mode in enumerate(("pv", "trap")):
        ax.bar([x + (i - 0.5) * width for x in range(len(names))],
               [ops[op][mode]["icount_ratio"] for op in names], width,
               label=mode)
    ax.axhline(1, color="black", linewidth=0.8)
    ax.set_xticks(range(len(names)), names)
    ax.set_yscale("log")
    ax.set_ylabel("instructions, over native")
    ax.set_title("ligeiro against native (-icount shift=0)")
    ax.legend()
    fig.tight_layout()
    paths = [out / "bench-ratios.png"]
    fig.savefig(paths[-1], dpi=120)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for mode, label in (("native", "native"), ("pv", "pv")):
        ys = [ops.get("ctxswitch_p%d" % p, {}).get(mode, {}).get("icount")
              for p in RING]
        if all(ys):
            ax.plot(RING, ys, marker="o", label=label)
    off = doc["ablation"].get("--roots=4", {})
    ys = [off.get("ctxswitch_p%d" % p, {}).get("icount") for p in RING]
    if all(ys):
        ax.plot(RING, ys, marker="x", linestyle="--", label="pv, --roots=4")
    paths.append(loglog(fig, ax, RING, "processes taking turns",
                        "instructions per switch",
                        "A context switch as the processes grow in number",
                        out / "bench-procs.png"))
    sizes = sorted((int(mib), v.get("icount"))
                   for mib, v in doc["creation"].items())
    if sizes and all(ns for _, ns in sizes):
        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.plot([m for m, _ in sizes], [ns for _, ns in sizes], marker="o",
                label="pv")
        paths.append(loglog(fig, ax, [m for m, _ in sizes],
                            "guest memory, MiB (--mem)", "instructions",
                            "Creating a guest (LIGEIRO_CREATE_VM) by its "
                            "memory", out / "bench-memory.png"))
    if doc["migration"]:
        paths.append(migration_chart(plt, doc, out / "bench-migrate.png"))
    return paths


def migration_chart(plt, doc, path):
    """Pages sent per pre-copy round, per migration, the stop-and-copy's
    as the last point of each line, and the round that stops pre-copy."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for w in migration_order(doc):
        m = doc["migration"][w]
        ys = m["sent"] + m["dirtied"][-1:]
        line, = ax.plot(range(len(ys)), [max(y, 1) for y in ys],
                        marker="o", label=m["what"])
        ax.plot([len(ys) - 1], [max(ys[-1], 1)], marker="s", markersize=9,
                fillstyle="none", color=line.get_color())
    stop = doc.get("migration_setup", {}).get("stop_pages")
    if stop:
        ax.axhline(stop, color="black", linewidth=0.8, linestyle=":",
                   label="a round this small stops pre-copy")
    ax.set_yscale("log")
    ax.set_xlabel("round (the square: stop-and-copy)")
    ax.set_ylabel("pages sent")
    ax.set_title("Live migration: pages sent per round (TCG)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def loglog(fig, ax, xs, xlabel, ylabel, title, path):
    """Finish a chart of cost against a doubling size; save it to path."""
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def main(argv):
    start = time.time()
    if argv[1:] == ["--from-logs"]:
        runs, costs, counters, ablation, creation, migration = collect(
            lambda name, args, env: (
            harness.LOGS / (name + ".log")).read_text())
        old = json.loads(JSON.read_text()) if JSON.exists() else {}
        duration = old.get("run", {}).get("duration_s", 0)
    else:
        runs, costs, counters, ablation, creation, migration = collect(
            measure)
        duration = time.time() - start
    table(runs)
    doc = document(runs, costs, counters, ablation, creation, migration,
                   duration)
    JSON.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print("\nwrote", JSON)
    out = harness.BUILD / "bench"
    out.mkdir(parents=True, exist_ok=True)
    text = markdown(doc)
    (out / "bench.md").write_text(text)
    print("\n" + text + "\nwrote", out / "bench.md")
    for path in charts(doc, out):
        print("wrote", path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
