"""The labs grade what they claim to (labs/README.md).

For every lab: the reference scores full marks, and the student tree that
`make lab` makes holds none of the removed code, builds, and scores less,
its first test failing with the stub's own reason.  Each grade is one host
boot; a student tree starts from a copy of this tree's build/ (its kernel
is not fetched again, and make rebuilds what the stubs changed).
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
LABS = sorted(p.parent.name for p in (TOP / "labs").glob("*/spec.py"))
SCORE = re.compile(r"^Score: (\d+)/(\d+)$", re.M)
SEED = "4242"


def grade(tree, lab):
    """Run `labs/grade.py LAB` in TREE: (score, total, output, json)."""
    proc = subprocess.run([sys.executable, "labs/grade.py", lab], cwd=tree,
                          env=dict(os.environ, SEED=SEED),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=600)
    out = proc.stdout.decode("utf-8", "replace")
    found = SCORE.search(out)
    assert found, "no Score line:\n" + out
    score, total = int(found.group(1)), int(found.group(2))
    assert (proc.returncode == 0) == (score == total), out
    record = json.loads((tree / "build" / "grade" / (lab + ".json"))
                        .read_text())
    assert (record["score"], record["max_score"]) == (score, total)
    return score, total, out, record


def stubbed(lab):
    """Is this a student tree of LAB, whose regions hold the stubs?"""
    sys.path.insert(0, str(TOP / "labs"))
    import mklab
    for name in mklab.tracked(TOP):
        path = TOP / name
        if path.suffix in (".c", ".h", ".S") and "LAB(" in path.read_text():
            lines = path.read_text().split("\n")
            for region_lab, _, first, last in mklab.regions(path.read_text()):
                if region_lab == lab and "is not written yet" in \
                   "\n".join(lines[first:last]):
                    return True
    return False


@pytest.mark.parametrize("lab", LABS)
def test_reference_scores_full_marks(lab):
    if stubbed(lab):
        pytest.skip("a student tree of lab %s: its grade is make grade "
                    "LAB=%s" % (lab, lab))
    score, total, out, _ = grade(TOP, lab)
    assert score == total, out


@pytest.mark.parametrize("lab", LABS)
def test_student_tree_scores_less(lab, tmp_path):
    dest = tmp_path / "student"
    subprocess.run([sys.executable, "labs/mklab.py", str(dest), lab],
                   cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    log = subprocess.run(["git", "log", "--oneline"], cwd=dest, check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    assert len(log.splitlines()) == 1, "the student tree has history:\n" + log
    # The answers to the book's exercises stay with course staff.
    assert (TOP / "labs" / "answers").is_dir()
    assert not (dest / "labs" / "answers").exists()
    copy_build(dest)
    build = subprocess.run(["make", "all"], cwd=dest, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=900)
    assert build.returncode == 0, build.stdout.decode()[-3000:]
    score, total, out, record = grade(dest, lab)
    assert score < total, out
    first = record["tests"][0]
    assert first["status"] == "failed", out
    assert "LAB %s: " % lab in first["output"], out


def copy_build(dest):
    shutil.copytree(TOP / "build", dest / "build", symlinks=True,
                    ignore=shutil.ignore_patterns("grade", "docs"))


def copy_tree(dest, lab=None):
    """The reference as a submission (or, with LAB, a student tree), with
    this tree's downloaded kernel so that nothing is fetched again."""
    if lab:
        subprocess.run([sys.executable, "labs/mklab.py", str(dest), lab],
                       cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    else:
        files = subprocess.run(["git", "ls-files", "-z"], cwd=TOP, check=True,
                               stdout=subprocess.PIPE).stdout.decode()
        for name in filter(None, files.split("\0")):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TOP / name, dest / name)
    copy_build(dest)


@pytest.mark.parametrize("student", [False, True])
def test_gradescope_autograder(tmp_path, student):
    """run_autograder on a fake /autograder: the reference gets every
    point, a student tree fewer, in Gradescope's results.json."""
    lab = LABS[0]
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "source" / "LAB").write_text(lab + "\n")
    copy_tree(root / "submission", lab if student else None)
    script = TOP / "labs" / "ci" / "gradescope" / "run_autograder"
    subprocess.run([str(script)], env=dict(os.environ, AUTOGRADER_ROOT=str(root),
                                           SEED=SEED),
                   check=True, timeout=900)
    results = json.loads((root / "results" / "results.json").read_text())
    total = sum(t["max_score"] for t in results["tests"])
    assert total > 0
    if student:
        assert results["score"] < total
    else:
        assert results["score"] == total, results
    for t in results["tests"]:
        assert set(t) == {"name", "score", "max_score", "status", "output"}


def test_github_workflow_runs_targets_that_exist():
    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load((TOP / "labs" / "ci" / "grade.yml").read_text())
    runs = [step["run"] for job in flow["jobs"].values()
            for step in job["steps"] if "run" in step]
    targets = re.findall(r"\bmake (\w[\w-]*)", "\n".join(runs))
    assert targets, runs
    makefile = (TOP / "Makefile").read_text()
    for target in targets:
        assert re.search(r"^(?:\S+ )*%s(?: \S+)*\s*:" % re.escape(target),
                         makefile, re.M), "no make target %s" % target
