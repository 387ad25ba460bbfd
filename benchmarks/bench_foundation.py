"""Foundation benchmarks: import time against ipywidgets, cached loads, and parse_report's speed.

Run with: python benchmarks/bench_foundation.py [--runs N]
Targets: import ratio <= 1.0; warm load_report() and facts() under 1 ms; rejecting a 5 MB
string well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_seconds(command: list[str], runs: int) -> float:
    """Median wall time of a fresh process running ``command``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_call(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    # Interleave the two imports so that machine load affects both alike.
    tipcourse_times, widget_times = [], []
    for _ in range(runs):
        tipcourse_times.append(median_seconds([sys.executable, "-c", "import tipcourse"], 1))
        widget_times.append(median_seconds([sys.executable, "-c", "import ipywidgets"], 1))
    ours, theirs = statistics.median(tipcourse_times), statistics.median(widget_times)
    print(f"python -c 'import tipcourse'   median {ours * 1000:8.1f} ms over {runs} runs")
    print(f"python -c 'import ipywidgets'  median {theirs * 1000:8.1f} ms over {runs} runs")
    print(f"ratio tipcourse / ipywidgets   {ours / theirs:8.2f}   (target <= 1.0)")

    import tipcourse
    from tipcourse import ReportFormatError, parse_report
    from tipcourse.report.datasets import _report_text

    start = time.perf_counter()
    tipcourse.load_report()
    cold_report = time.perf_counter() - start
    start = time.perf_counter()
    tipcourse.facts()
    cold_facts = time.perf_counter() - start
    print(f"load_report() cold             {cold_report * 1000:8.3f} ms")
    warm_report = median_call(tipcourse.load_report, 1000)
    print(f"load_report() warm             {warm_report * 1000:8.4f} ms   (target < 1 ms)")
    print(f"facts() cold (imports pandas)  {cold_facts * 1000:8.3f} ms")
    warm_facts = median_call(tipcourse.facts, 1000)
    print(f"facts() warm                   {warm_facts * 1000:8.4f} ms   (target < 1 ms)")

    text = _report_text()
    parsed = median_call(lambda: parse_report(text), 50)
    print(f"parse_report(narrative)        {parsed * 1000:8.3f} ms")

    def reject(garbage):
        try:
            parse_report(garbage)
        except ReportFormatError:
            return
        raise AssertionError("garbage was accepted")

    five_mb = "x" * 5_000_000
    rejected = median_call(lambda: reject(five_mb), 20)
    print(f"reject a 5 MB string           {rejected * 1000:8.3f} ms   (target well under 1000 ms)")
    near_limit = (text + "\n") * 55  # just under the 1,000,000-character limit: parsed, rejected
    rejected = median_call(lambda: reject(near_limit), 5)
    print(f"reject 55 narratives (~990 kB) {rejected * 1000:8.3f} ms")
    binary = bytes(range(256)).decode("latin-1") * 4000
    rejected = median_call(lambda: reject(binary), 20)
    print(f"reject ~1 MB of binary text    {rejected * 1000:8.3f} ms")


if __name__ == "__main__":
    main()
