"""Grading in the bubblewrap sandbox against grading without it, same submissions, one run.

Builds an assignment of one course notebook (default 06-prevention), copies its key notebook
COPIES times, and grades the copies with 2 jobs, without a sandbox and in the sandbox, twice
each in alternating order (to even out a machine that warms up). Prints the times and the
ratio; the target (issue 13) is the sandbox at most 1.10 × the time without it.

    .venv/bin/python benchmarks/bench_sandbox.py [--copies 40] [--notebook 06] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _copies import key_copies  # noqa: E402 (beside this script)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--notebook", default="06")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    from tipcourse.instructor.grading._bwrap import choose
    from tipcourse.instructor.grading._grade import Key, grade

    if choose("auto")[0] != "bwrap":
        print("bubblewrap cannot run here:", choose("auto")[1])
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as scratch:
        folder = Path(scratch)
        key_notebook, copies = key_copies(folder, args.notebook, args.copies)
        key = Key.from_manifest(folder / "hw")
        print(f"{args.copies} copies of {key_notebook.name}, {args.jobs} jobs")
        times: dict[str, list[float]] = {"none": [], "bwrap": []}
        for sandbox in ("none", "bwrap", "bwrap", "none"):
            start = time.perf_counter()
            results = grade(copies, key, jobs=args.jobs, timeout=600, sandbox=sandbox)
            times[sandbox].append(time.perf_counter() - start)
            scores = sorted({result.score for result in results})
            print(
                f"  --sandbox {sandbox:5}  {times[sandbox][-1]:6.1f} s  "
                f"(statuses {sorted({result.status for result in results})}, scores {scores})"
            )
        plain, jailed = min(times["none"]), min(times["bwrap"])
        print(f"without a sandbox (best of 2): {plain:6.1f} s")
        print(f"in the sandbox (best of 2):    {jailed:6.1f} s")
        print(f"ratio sandbox / none:          {jailed / plain:6.2f}  (target ≤ 1.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
