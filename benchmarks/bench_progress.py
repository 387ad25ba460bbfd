"""How long recording and reading progress take.

Run with: python benchmarks/bench_progress.py [--runs N]
Prints the median time of record_attempt() (one committed, fsynced SQLite write), of
attempts() (read every attempt into a DataFrame) and of progress() (summary and text table),
in a throwaway TIPCOURSE_HOME. Target: record_attempt well under 1 ms, so check() stays quick.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable


def median_seconds(function: Callable[[int], object], runs: int) -> float:
    """Median time of ``function(n)`` over ``runs`` calls."""
    times = []
    for number in range(runs):
        start = time.perf_counter()
        function(number)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="calls per measurement")
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory(prefix="tipcourse-bench-") as folder:
        os.environ["TIPCOURSE_HOME"] = folder  # never touch the real learner's progress
        os.environ["TIPCOURSE_LEARNER"] = "benchmark"
        from tipcourse import attempts, progress
        from tipcourse.engine._store import record_attempt

        record_attempt("overview.q00", "overview", True, 1.0)  # create the database first

        def record(number: int) -> None:
            record_attempt(f"prosecution.q{number % 40:02d}", "prosecution", number % 3 == 0, 0.5)

        recording = median_seconds(record, runs)
        reading = median_seconds(lambda _: attempts(), runs)
        showing = median_seconds(lambda _: repr(progress()), runs)
        stored = len(attempts())

    print(f"median over {runs} runs, database of about {stored} attempts")
    print(f"{'record_attempt()':<20}{recording * 1e6:10.0f} µs")
    print(f"{'attempts()':<20}{reading * 1e6:10.0f} µs")
    print(f"{'repr(progress())':<20}{showing * 1e6:10.0f} µs")


if __name__ == "__main__":
    main()
