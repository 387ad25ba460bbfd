"""The course website's figures, measured in Debian's Chromium with Playwright (a script, not a
test).

1. Build: the time ``build_site`` takes for both languages.
2. Weight of each page: its HTML with the script and style sheets it loads, without the charts
   (PNG, reported apart). Target: under 1 MB.
3. Interactive: from navigation to the first question checkable (its Check button in the page,
   the view mounted), opened from ``file://``, the median of several loads; on this machine and
   with the CPU slowed 4 times (Chrome's CPU throttling, a slow laptop or phone). Target: 1 s.

    .venv/bin/python benchmarks/bench_site.py [--loads 5]

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

from jupyter_browser import INSTALL_HINT, find_chromium, launch_chromium

from tipcourse.views.site import build_site

WEIGHT_TARGET = 1_000_000
INTERACTIVE_TARGET_MS = 1000.0

# Navigation start to the first Check button in the page, in the page's own clock.
_READY = """() => new Promise((done) => {
  const found = () => document.querySelector('.tc-question .tc-button');
  const finish = () => done(performance.now());
  if (found()) return finish();
  new MutationObserver((_, watcher) => {
    if (found()) { watcher.disconnect(); finish(); }
  }).observe(document.documentElement, {subtree: true, childList: true});
})"""


def weight(page: Path) -> tuple[int, int]:
    """Bytes of a page with its script and styles, and of its charts."""
    text = page.read_text("utf-8")
    assets = page.parent / "assets"
    own = len(text.encode()) + sum(path.stat().st_size for path in assets.iterdir())
    charts = sum(
        (page.parent / "figures" / name).stat().st_size
        for name in {part.split('"')[0] for part in text.split('src="figures/')[1:]}
    )
    return own, charts


def interactive(browser, page_path: Path, loads: int, slowdown: float) -> list[float]:
    """Milliseconds from navigation to the first question checkable, per load."""
    times = []
    for _ in range(loads):
        context = browser.new_context()
        page = context.new_page()
        if slowdown > 1:
            session = context.new_cdp_session(page)
            session.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        page.goto(page_path.as_uri(), wait_until="commit")
        times.append(page.evaluate(_READY))
        context.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    executable = find_chromium()
    if executable is None:
        print(f"Chromium is missing. {INSTALL_HINT}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        started = time.perf_counter()
        pages = build_site(out)
        print(f"Build, both languages: {time.perf_counter() - started:.1f} s, {len(pages)} pages")
        print()
        print(f"{'page':<34} {'weight':>9} {'charts':>9} {'ready':>8} {'ready, CPU/4':>13}")
        worst_weight, worst_ready = 0, 0.0
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, executable)
            try:
                for page in pages:
                    own, charts = weight(page)
                    name = str(page.relative_to(out))
                    if "tc-block" not in page.read_text("utf-8"):
                        print(f"{name:<34} {own / 1000:>7.0f} kB {charts / 1000:>6.0f} kB")
                        worst_weight = max(worst_weight, own)
                        continue
                    fast = statistics.median(interactive(browser, page, args.loads, 1))
                    slow = statistics.median(interactive(browser, page, args.loads, 4))
                    worst_weight, worst_ready = max(worst_weight, own), max(worst_ready, slow)
                    print(
                        f"{name:<34} {own / 1000:>7.0f} kB {charts / 1000:>6.0f} kB"
                        f" {fast:>6.0f} ms {slow:>10.0f} ms"
                    )
            finally:
                browser.close()
    print()
    print(
        f"Heaviest page without charts: {worst_weight / 1000:.0f} kB "
        f"(target {WEIGHT_TARGET / 1000:.0f} kB, ratio {worst_weight / WEIGHT_TARGET:.2f})"
    )
    print(
        f"Slowest to the first checkable question, CPU slowed 4 times: {worst_ready:.0f} ms "
        f"(target {INTERACTIVE_TARGET_MS:.0f} ms, ratio {worst_ready / INTERACTIVE_TARGET_MS:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
