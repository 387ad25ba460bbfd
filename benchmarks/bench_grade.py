"""Grading against the floor: `tipcourse grade` versus bare nbclient execution, same notebooks.

Builds an assignment of one course notebook (default 06-prevention: pandas and charts), copies
its key notebook COPIES times, then, in the same run:

* grades the copies with 2 jobs (fresh sandboxed kernel each, answers captured and scored);
* executes the same copies bare with nbclient in 2 worker processes.

Prints both times and their ratio; the target (issue 12) is grading ≤ 0.6 × bare execution.

    .venv/bin/python benchmarks/bench_grade.py [--copies 40] [--notebook 06] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _copies import key_copies  # noqa: E402 (beside this script)


def run_bare(path: str) -> bool:
    """Execute one notebook with nbclient in a fresh kernel, in a scratch folder."""
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as folder:
        # IPC sockets, as the grader uses: the same transport on both sides (and no TCP warning).
        manager = KernelManager(
            kernel_name="python3", transport="ipc", ip=str(Path(folder) / "kernel-ipc")
        )
        client = NotebookClient(
            notebook,
            km=manager,
            timeout=600,
            allow_errors=True,
            resources={"metadata": {"path": folder}},
        )
        try:
            client.execute()
        finally:
            manager.shutdown_kernel(now=True)  # a kernel manager given is not shut down for us
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--notebook", default="06")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    from tipcourse.instructor.grading._grade import Key, grade

    with tempfile.TemporaryDirectory(prefix="bench-grade-") as scratch:
        folder = Path(scratch)
        key_notebook, copies = key_copies(folder, args.notebook, args.copies)
        cells = sum(1 for _ in __import__("nbformat").read(key_notebook, 4).cells)
        print(f"{args.copies} copies of {key_notebook.name} ({cells} cells), {args.jobs} jobs")

        key = Key.from_manifest(folder / "hw")
        start = time.perf_counter()
        results = grade(copies, key, jobs=args.jobs, timeout=600)
        graded = time.perf_counter() - start
        statuses = {result.status for result in results}
        scores = {result.score for result in results}
        print(
            f"tipcourse grade:          {graded:7.1f} s  (statuses {sorted(statuses)}, "
            f"scores {sorted(scores)} of {results[0].max_score:g})"
        )

        start = time.perf_counter()
        with Pool(args.jobs) as pool:
            pool.map(run_bare, [str(path) for path in copies], chunksize=1)
        bare = time.perf_counter() - start
        print(f"bare nbclient, {args.jobs} workers: {bare:7.1f} s")
        print(f"ratio grade / bare:       {graded / bare:7.2f}  (target ≤ 0.6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
