"""The grader's peak memory when submissions send it as much as they can.

Each case is one small notebook graded alone, in a process of its own, so its peak resident
memory (``ru_maxrss``) is the grader's for that submission: a right answer (the baseline), an
answer claiming a numpy array of a huge dtype, an error message of 100 MB, a read-out with as
many small lists as fit, and text at the size limit of an answer. Prints each peak and its ratio
to the baseline; the target (issue 19) is that no submission raises the grader's peak much above
the baseline (well under 2×) — before the checks, a claimed dtype took it to 3.5 GB and a long
error message to 2.4 GB.

    .venv/bin/python benchmarks/bench_hostile.py [--sandbox none]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "right answer": "prosecution_q01 = 18",
    "huge dtype": (
        "class Fake:\n    __module__ = 'numpy'\n    dtype = 'U300000000'\n"
        "    ndim = 1\n    size = 2\n    def tolist(self):\n        return ['a', 'b']\n"
        "prosecution_q01 = Fake()"
    ),
    "100 MB error": "prosecution_q01 = 18\nraise ValueError('x' * 100_000_000)",
    "many lists": "prosecution_q01 = [[[]] * 99_000] * 90",
    "long texts": "prosecution_q01 = ['x' * 99_000] * 80",
}

RUN = """
import resource, sys
from pathlib import Path
sys.path.insert(0, {root!r})
import nbformat
from tipcourse.instructor.grading._grade import grade
made = nbformat.v4.new_notebook()
made.metadata["tipcourse"] = {{"assignment": {{"notebook": "hw.ipynb",
                                               "items": ["prosecution.q01"]}}}}
answer = nbformat.v4.new_code_cell({code!r})
answer.metadata["tipcourse"] = {{"role": "answer", "question": "prosecution.q01"}}
made.cells = [answer]
path = Path({folder!r}) / "case.ipynb"
path.write_text(nbformat.writes(made), "utf-8")
[row] = grade([path], None, jobs=1, timeout=300, sandbox={sandbox!r})
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, row.status,
      repr(row.answers.get("prosecution.q01"))[:40].replace(" ", ""))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", default="none", choices=("none", "bwrap", "auto"))
    args = parser.parse_args()
    peaks: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
        for name, code in CASES.items():
            script = RUN.format(root=str(ROOT), code=code, folder=folder, sandbox=args.sandbox)
            done = subprocess.run(
                [sys.executable, "-c", script], capture_output=True, text=True, timeout=900
            )
            if done.returncode != 0:
                print(f"  {name:14} failed: {done.stderr.strip()[-300:]}")
                return 1
            peak, status, answer = done.stdout.split(maxsplit=2)
            peaks[name] = int(peak)
            print(f"  {name:14} peak {int(peak):5d} MB  (row {status}, answer {answer.strip()})")
    base = peaks["right answer"]
    worst = max(peaks.values())
    print(f"baseline (a right answer):  {base:5d} MB")
    print(f"worst hostile submission:   {worst:5d} MB")
    print(f"ratio worst / baseline:     {worst / base:5.2f}  (target well under 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
