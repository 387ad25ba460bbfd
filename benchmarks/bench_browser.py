"""Browser figures, measured in Debian's Chromium with Playwright (a script, not a test).

1. Check → feedback: the median time from a click on Check to the feedback shown (the page's
   next frame after the feedback's text changed), over 20 clicks. Target: under 100 ms.
2. Start-up: from launching ``tipcourse start --no-browser --port P --dir <folder>`` to a ready
   JupyterLab page (the start notebook open, its kernel idle), beside the same for plain
   ``jupyter lab`` on the same folder, alternating, in one run. Target ratio: 1.2 or less.

    .venv/bin/python benchmarks/bench_browser.py [--clicks 20] [--rounds 3]

Needs Chromium (/usr/bin/chromium; `apt-get install chromium`) and the test extra.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from jupyter_browser import (
    INSTALL_HINT,
    JupyterServer,
    Notebook,
    QuestionWidget,
    find_chromium,
    launch_chromium,
    right_answer,
    write_notebook,
)

START = "00-start-here.ipynb"
CHECK_TARGET_MS = 100.0
START_TARGET_RATIO = 1.2

# Time one click on Check: from the click event to the frame after the feedback changed.
_TIME_CLICK = """([qid, wanted]) => {
  const box = document.querySelector(`.tc-question[data-question-id="${qid}"]`);
  const timing = window.__tipcourseTiming = {clicked: null, shown: null};
  document.addEventListener('click', () => { timing.clicked = performance.now(); },
                            {capture: true, once: true});
  const watcher = new MutationObserver(() => {
    const status = box.querySelector('.tc-feedback');
    if (status && status.textContent.includes(wanted)) {
      watcher.disconnect();
      requestAnimationFrame(() => { timing.shown = performance.now(); });
    }
  });
  watcher.observe(box, {subtree: true, childList: true, characterData: true});
}"""


def check_latency(browser, folder: Path, clicks: int) -> list[float]:
    """Milliseconds from each click on Check to the feedback on screen."""
    import tipcourse
    from tipcourse.report.messages import message

    question = next(q for q in tipcourse.questions() if q.type == "single")
    (folder / "check").mkdir()
    write_notebook(
        folder / "check" / "check.ipynb", ["import tipcourse", f"tipcourse.show({question.id!r})"]
    )
    times = []
    with JupyterServer(folder / "check", folder / "check-state") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            notebook = Notebook(page, server, "check.ipynb").open()
            notebook.run_all()
            widget = QuestionWidget(page, question.id)
            widget.choose(question, right_answer(question))
            check = widget.button("Check")
            for count in range(1, clicks + 1):
                page.evaluate(_TIME_CLICK, [question.id, message("widget.attempts", count=count)])
                check.click()
                page.wait_for_function(
                    "() => window.__tipcourseTiming.shown !== null", timeout=30_000, polling=10
                )
                timing = page.evaluate("() => window.__tipcourseTiming")
                times.append(timing["shown"] - timing["clicked"])
        finally:
            context.close()
    return times


def _ready(notebook: Notebook, timeout: float = 180) -> None:
    """Poll (every 50 ms) until the notebook shows, and its kernel is idle on server and page."""
    page = notebook.page
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator(".jp-Notebook .jp-Cell").count():
            status = page.locator(".jp-Notebook-ExecutionIndicator").evaluate_all(
                "els => els.map(e => e.dataset.status)"
            )
            if (
                status
                and set(status) == {"idle"}
                and notebook._kernel_shown_idle()
                and notebook.server.kernel_state(notebook.name) == "idle"
            ):
                return
        time.sleep(0.05)
    raise TimeoutError(f"{notebook.name} was not ready within {timeout} s")


def time_start(browser, server: JupyterServer, url: str) -> float:
    """Seconds from launching ``server`` to its start notebook open with an idle kernel."""
    began = time.perf_counter()
    server.start()
    context = None
    try:
        server.wait_ready()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url.format(base=server.base, token=server.token), wait_until="commit")
        _ready(Notebook(page, server, START))
        return time.perf_counter() - began
    finally:
        if context is not None:
            context.close()
        server.stop()


def start_times(browser, folder: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds to a ready page: `tipcourse start` and plain `jupyter lab`, alternating."""
    course = folder / "course"
    tipcourse_start = [
        sys.executable,
        "-m",
        "tipcourse",
        "start",
        "--no-browser",
        "--port",
        "{port}",
        "--dir",
        str(course),
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token={token}",
    ]
    ours, plain = [], []
    for number in range(rounds):
        order = ("tipcourse", "plain") if number % 2 == 0 else ("plain", "tipcourse")
        for kind in order:
            state = folder / f"state-{kind}-{number}"
            if kind == "tipcourse":
                server = JupyterServer(course, state, command=tipcourse_start)
                # `tipcourse start` opens its start notebook by itself: ask for "/" only.
                ours.append(time_start(browser, server, "{base}/?token={token}"))
            else:
                if not (course / START).exists():
                    raise RuntimeError("run `tipcourse start` first: it fills the folder")
                server = JupyterServer(course, state, app="lab")
                plain.append(
                    time_start(browser, server, "{base}/lab/tree/" + START + "?reset&token={token}")
                )
    return ours, plain


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    executable = find_chromium()
    if executable is None:
        print(f"Chromium is missing. {INSTALL_HINT}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="tipcourse-bench-browser-") as tmp,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright, executable)
        try:
            folder = Path(tmp)
            times = check_latency(browser, folder, args.clicks)
            ours, plain = start_times(browser, folder, args.rounds)
        finally:
            browser.close()

    median = statistics.median(times)
    print(
        f"Check → feedback, {len(times)} clicks (ms): median {median:.0f}, "
        f"min {min(times):.0f}, max {max(times):.0f}, first {times[0]:.0f}"
    )
    print(
        f"  median / target {CHECK_TARGET_MS:.0f} ms: {median / CHECK_TARGET_MS:.2f} "
        f"({'met' if median < CHECK_TARGET_MS else 'NOT met'})"
    )
    ours_median, plain_median = statistics.median(ours), statistics.median(plain)
    ratio = ours_median / plain_median
    print(f"Start to a ready page, {len(ours)} rounds each, alternating (s):")
    print(
        f"  tipcourse start --no-browser: median {ours_median:.2f}  "
        f"({', '.join(f'{t:.2f}' for t in ours)})"
    )
    print(
        f"  jupyter lab (same folder):    median {plain_median:.2f}  "
        f"({', '.join(f'{t:.2f}' for t in plain)})"
    )
    print(
        f"  ratio tipcourse / plain: {ratio:.2f} (target {START_TARGET_RATIO} or less: "
        f"{'met' if ratio <= START_TARGET_RATIO else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
