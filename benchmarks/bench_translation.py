"""What a translation costs when a bank loads: English alone, English beside its Spanish files (it
reads their accepted forms of typed answers), and Spanish.

Run with: python benchmarks/bench_translation.py [--runs N]
Each figure is the median of N loads of all three banks (questions, exercises, written work);
a bank loads once per language in a session, so this is a one-time cost, not a per-check one.
Target: loading in Spanish at most 1.5 times loading the English bank alone.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tipcourse.engine._exercises import EXERCISES
from tipcourse.engine._questions import QUESTIONS
from tipcourse.engine._written import WRITTEN
from tipcourse.report.datasets import data_dir

BANKS = (QUESTIONS, EXERCISES, WRITTEN)
TARGET_RATIO = 1.5


def median_load(folders: dict[str, Path], language: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for bank in BANKS:
            bank.load(folders[bank.folder], language=language)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    course = {bank.folder: data_dir() / bank.folder for bank in BANKS}
    with tempfile.TemporaryDirectory() as scratch:
        english_only = {}
        for name, folder in course.items():
            english_only[name] = Path(scratch) / name
            shutil.copytree(folder, english_only[name], ignore=shutil.ignore_patterns("es"))
        median_load(course, "en", 1)  # warm the imports (PyYAML, jsonschema) before timing
        alone = median_load(english_only, "en", runs)
        beside = median_load(course, "en", runs)
        spanish = median_load(course, "es", runs)
    print(f"English bank alone             {alone * 1000:8.1f} ms")
    print(f"English beside its Spanish     {beside * 1000:8.1f} ms   ratio {beside / alone:.2f}")
    print(
        f"Spanish                        {spanish * 1000:8.1f} ms   ratio {spanish / alone:.2f}"
        f"   (target <= {TARGET_RATIO})"
    )


if __name__ == "__main__":
    main()
