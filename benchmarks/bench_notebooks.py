"""Each notebook's execution time beside a notebook that only imports tipcourse's dependencies.

    python benchmarks/bench_notebooks.py [--repeat N]

Both are run the same way (nbclient, fresh kernel, the course-check learner), side by side in one
run, so the ratio says what the course itself costs on this machine. Target: 1.5 or less.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import nbformat

from tipcourse.views.authoring import execute

ROOT = Path(__file__).resolve().parent.parent
BASELINE = """import pandas
import matplotlib
from matplotlib.figure import Figure
import ipywidgets
import yaml
import jsonschema"""


def timed(notebook, folder: Path) -> float:
    started = time.perf_counter()
    execute(notebook, folder)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each notebook (median)")
    args = parser.parse_args()
    folder = ROOT / "notebooks"
    baseline = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE)])
    baseline.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    base = statistics.median(timed(baseline, folder) for _ in range(args.repeat))
    print(f"{'notebook':<34} {'median s':>9} {'ratio':>6}")
    print(f"{'(baseline: imports only)':<34} {base:9.2f} {1.0:6.2f}")
    worst = 0.0
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        seconds = statistics.median(
            timed(nbformat.from_dict(notebook), folder) for _ in range(args.repeat)
        )
        worst = max(worst, seconds / base)
        print(f"{path.name:<34} {seconds:9.2f} {seconds / base:6.2f}")
    print(f"worst ratio {worst:.2f} (target 1.5 or less)")


if __name__ == "__main__":
    main()
