#!/usr/bin/python3
"""grade.py - `make grade LAB=x`: grade one lab, the way xv6's gradelib does.

A lab's spec, labs/<lab>/spec.py, names the boots it needs (the QEMU host
with some of tests/host/*.sh and the lab's own labs/<lab>/grade.sh) and
its tests: each has points, the RESULT lines that must all pass, perhaps
a parent (a child whose parent failed fails with "parent failed"), and a
hint printed when it fails.  This runs the boots, prints

    == Test hypercall numbers ==
    hypercall numbers: OK (41.2s)
    Score: 37/50

writes build/grade/<lab>.json, and with RESULTS=path a Gradescope
results.json; it exits 0 only on full marks.  A failing test shows what
explains it (its check's detail, the kill reasons, an oops), not the
whole serial log, which stays in tests/logs/.  The seed that randomises
the inputs a lab's code could otherwise answer from memory is printed,
and SEED=n repeats a run.  labs/README.md is the manual.
"""
import importlib.util
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import time

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tests"))

import harness  # noqa: E402

TELLING = re.compile(r"guest killed: .*|LAB [a-z_]+: .*|.*(?:Oops|BUG:|WARNING:|"
                     r"general protection fault, ).*|QEMU exited.*")


def load_spec(lab):
    path = TOP / "labs" / lab / "spec.py"
    if not path.is_file():
        raise SystemExit("grade: no lab %r (labs/*/spec.py: %s)" % (
            lab, ", ".join(sorted(p.parent.name for p in
                                  (TOP / "labs").glob("*/spec.py")))))
    spec = importlib.util.spec_from_file_location("spec_" + lab, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class UnitRun:
    """A host-side unit test program, graded by its RESULT lines like a
    boot (tests/unit/: no QEMU, a second or two)."""

    def __init__(self, name, path):
        proc = subprocess.run([str(TOP / path)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)
        self.name, self.status = name, proc.returncode
        self.transcript = proc.stdout.decode("utf-8", "replace")
        self.results = {m.group(1): (m.group(2), m.group(3)) for m in
                        re.finditer(r"^RESULT (\S+) (PASS|FAIL) ?(.*)$",
                                    self.transcript, re.M)}

    def problems(self, expect_status):
        return [] if self.status in (0, 1) else \
            ["%s exited with %d" % (self.name, self.status)]


def run_boots(spec, seed):
    """Each boot the spec names, once, and each unit program it names:
    name -> (a harness.Boot or UnitRun, seconds)."""
    boots = {}
    for name, path in getattr(spec, "UNITS", {}).items():
        t0 = time.time()
        boots[name] = (UnitRun(name, path), time.time() - t0)
    for name, (scripts, cpu) in spec.BOOTS.items():
        t0 = time.time()
        boots[name] = (harness.boot_host("grade-%s-%s" % (spec.LAB, name),
                                         scripts, cpu=cpu, timeout=240,
                                         extra=["lgseed=%d" % seed]),
                       time.time() - t0)
    return boots


def verdict(boot, check):
    """(passed, why) for one RESULT line of a boot."""
    found = boot.problems(harness.qemu_status(harness.abi.GUEST_FAILED))
    if found and "exited" not in found[-1]:
        return False, "; ".join(found)
    if check not in boot.results:
        return False, "%s never reported a result" % check
    v, detail = boot.results[check]
    return v == "PASS", "%s: %s %s" % (check, v, detail)


def evaluate(spec, boots):
    """Grade the spec's tests on finished boots: a list of result dicts."""
    done, results = {}, []
    for test in spec.TESTS:
        name, output = test["name"], []
        parent = test.get("parent")
        ok = True
        if parent and not done.get(parent):
            ok, output = False, ["parent failed: %s" % parent]
        else:
            for boot_name, check in test["checks"]:
                boot = boots[boot_name][0]
                passed, why = verdict(boot, check)
                if not passed:
                    ok = False
                    output.append(why)
                    output += sorted(set(TELLING.findall(boot.transcript)))[:4]
                    break
        if not ok and test.get("hint"):
            output.append("hint: " + test["hint"])
        done[name] = ok
        results.append({"name": name, "max_score": test["points"],
                        "score": test["points"] if ok else 0,
                        "status": "passed" if ok else "failed",
                        "output": "\n".join(output),
                        "seconds": boots[test["checks"][0][0]][1]})
    return results


def report(lab, seed, results, results_path=None):
    score = sum(r["score"] for r in results)
    total = sum(r["max_score"] for r in results)
    shown = set()
    for r in results:
        print("== Test %s ==" % r["name"])
        boot_time = "" if r["seconds"] in shown else " (%.1fs)" % r["seconds"]
        shown.add(r["seconds"])
        print("%s: %s%s" % (r["name"], "OK" if r["score"] else "FAIL",
                            boot_time))
        for line in r["output"].splitlines():
            print("    " + line)
    print("Score: %d/%d" % (score, total))
    print("(seed %d: SEED=%d make grade LAB=%s repeats this run)"
          % (seed, seed, lab))
    out = TOP / "build" / "grade"
    out.mkdir(parents=True, exist_ok=True)
    (out / (lab + ".json")).write_text(json.dumps(
        {"lab": lab, "seed": seed, "score": score, "max_score": total,
         "tests": results}, indent=1) + "\n")
    if results_path:
        pathlib.Path(results_path).write_text(json.dumps(
            {"score": score, "tests": [
                {k: r[k] for k in ("name", "score", "max_score", "status",
                                   "output")} for r in results]},
            indent=1) + "\n")
    return score, total


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: grade.py LAB   (make grade LAB=hypercall)")
    lab = argv[1]
    spec = load_spec(lab)
    seed = int(os.environ.get("SEED") or random.randrange(1, 1 << 30))
    score, total = report(lab, seed, evaluate(spec, run_boots(spec, seed)),
                          os.environ.get("RESULTS"))
    return 0 if score == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
