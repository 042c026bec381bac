#!/usr/bin/python3
"""audit.py - `make lab-audit`: no marked region goes ungraded.

For each lab and each region it marks, a tree with that region alone
replaced by its stub is built and graded: it must score less than full
marks, or the region is code that no test of its lab looks at.  Each
region costs a build and a boot (about a minute), so this is not part of
`make check`; labs/README.md says when to run it.
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import mklab  # noqa: E402

SCORE = re.compile(r"^Score: (\d+)/(\d+)$", re.M)


def audit(lab, name, function, scratch):
    dest = pathlib.Path(scratch) / ("%s-%s" % (lab, function))
    mklab.make_tree([lab], dest, only=(name, function), git=False)
    (dest / "build").mkdir()
    shutil.copytree(mklab.TOP / "build" / "kernel", dest / "build" / "kernel",
                    symlinks=True)
    subprocess.run(["make", "all"], cwd=dest, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run([sys.executable, "labs/grade.py", lab], cwd=dest,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env={"SEED": "1", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
                         ).stdout.decode()
    score, total = map(int, SCORE.search(out).groups())
    shutil.rmtree(dest)
    return score, total


def main():
    failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name in mklab.tracked(mklab.TOP):
            path = mklab.TOP / name
            if path.suffix not in (".c", ".h", ".S") or \
               "LAB(" not in path.read_text():
                continue
            for lab, function, _, _ in mklab.regions(path.read_text()):
                if not (mklab.TOP / "labs" / lab / "spec.py").is_file():
                    print("%s: %s() is marked for lab %s, which has no "
                          "spec yet" % (name, function, lab))
                    continue
                score, total = audit(lab, name, function, scratch)
                ok = score < total
                failed += not ok
                print("lab %s, %s %s() stripped alone: %d/%d%s"
                      % (lab, name, function, score, total,
                         "" if ok else "  UNGRADED"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
