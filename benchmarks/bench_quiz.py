"""How long displaying a 10-question quiz takes in a real Jupyter kernel.

Run with: python benchmarks/bench_quiz.py [--runs N]
Target: the median under 100 ms, and no slower than the composed ipywidgets it replaced (47.8 ms
median, 105 widget models per display, measured on 2026-12-07 on the project's 2-core machine).
Each run is one cell, ``display(tipcourse.quiz(...))``, as a learner runs it: building the quiz
state, its widget (one anywidget model for the whole quiz, one comm to the frontend) and its
static Markdown and text. The time is measured inside the kernel; the wall time of the whole cell
as the client sees it (message round trip included) is printed beside it. No section has ten
questions yet, so the quiz draws ten from across all sections. The first display, which also
imports anywidget and ipywidgets, is reported apart from the median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from jupyter_client.manager import start_new_kernel

TARGET_SECONDS = 0.100
QUIZ_SIZE = 10

SETUP = f"""
import time
from IPython.display import display
import tipcourse

_names = dict.fromkeys(q.section for q in tipcourse.questions())
_sections = {{name: tipcourse.questions(name) for name in _names}}
_biggest = max(_sections.values(), key=len)
if len(_biggest) >= {QUIZ_SIZE}:
    QUIZ = _biggest[:{QUIZ_SIZE}]
else:  # round robin over the sections, each time preferring a question type not taken yet
    QUIZ = []
    while len(QUIZ) < min({QUIZ_SIZE}, len(tipcourse.questions())):
        for _questions in _sections.values():
            _left = [q for q in _questions if q not in QUIZ]
            if _left and len(QUIZ) < {QUIZ_SIZE}:
                _types = {{q.type for q in QUIZ}}
                QUIZ.append(next((q for q in _left if q.type not in _types), _left[0]))
TIMES = []
"""
RUN = """
_start = time.perf_counter()
display(tipcourse.quiz(QUIZ))
TIMES.append(time.perf_counter() - _start)
"""
REPORT = """
import json
print(json.dumps({"times": TIMES, "types": sorted({q.type for q in QUIZ}),
                  "sections": sorted({q.section for q in QUIZ}), "size": len(QUIZ)}))
"""


def run_cell(client, code: str) -> tuple[float, list[dict]]:
    """Execute one cell; return the client's wall time and the iopub messages it produced."""
    messages: list[dict] = []
    start = time.perf_counter()
    reply = client.execute_interactive(code, output_hook=messages.append, timeout=120)
    elapsed = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        errors = [m["content"] for m in messages if m["msg_type"] == "error"]
        raise RuntimeError(f"cell failed: {errors or reply['content']}")
    return elapsed, messages


def stdout_of(messages: list[dict]) -> str:
    return "".join(
        m["content"]["text"]
        for m in messages
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="displays to time after the first")
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory(prefix="tipcourse-bench-") as home:
        # The kernel inherits these: a throwaway progress store and a fixed option order.
        os.environ["TIPCOURSE_HOME"] = home
        os.environ["TIPCOURSE_LEARNER"] = "benchmark"
        manager, client = start_new_kernel(kernel_name="python3")
        try:
            run_cell(client, SETUP)
            first_wall, first_messages = run_cell(client, RUN)
            kinds = sorted(
                {
                    kind
                    for m in first_messages
                    if m["msg_type"] == "display_data"
                    for kind in m["content"]["data"]
                }
            )
            comms = sum(m["msg_type"] == "comm_open" for m in first_messages)
            walls = [run_cell(client, RUN)[0] for _ in range(runs)]
            _, report_messages = run_cell(client, REPORT)
            found = json.loads(stdout_of(report_messages))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)

    first, timed = found["times"][0], found["times"][1:]
    median = statistics.median(timed)
    print(f"kernel: {manager.kernel_name} ({sys.executable}); quiz of {found['size']} questions")
    print(f"  sections: {', '.join(found['sections'])}")
    print(f"  types:    {', '.join(found['types'])}")
    print(f"  one display sends {comms} widget models; MIME types: {', '.join(kinds)}")
    print(
        f"first display (imports the widgets): {first * 1e3:7.1f} ms in kernel, "
        f"{first_wall * 1e3:7.1f} ms cell wall time"
    )
    print(
        f"median of {len(timed)} displays:       {median * 1e3:7.1f} ms in kernel, "
        f"{statistics.median(walls) * 1e3:7.1f} ms cell wall time"
    )
    print(f"  fastest {min(timed) * 1e3:.1f} ms, slowest {max(timed) * 1e3:.1f} ms")
    print(
        f"ratio to the {TARGET_SECONDS * 1e3:.0f} ms target (median in kernel): "
        f"{median / TARGET_SECONDS:.2f}"
    )


if __name__ == "__main__":
    main()
