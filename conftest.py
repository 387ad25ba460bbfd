"""Settings for the whole test run, notebooks included.

nbval runs each notebook in a kernel that inherits this process's environment, so the learner
and the language are fixed here, and each notebook gets an empty progress folder of its own, as
when the notebooks were built (tools/build_notebooks.py): saved outputs (option order, messages,
progress tables) then come out the same on every machine, and tests never touch a learner's own
``~/.tipcourse``.
"""

import os
import shutil
import tempfile

import pytest

_root = tempfile.mkdtemp(prefix="tipcourse-test-home-")
_notebook = {"path": None}


def pytest_configure(config):
    os.environ["TIPCOURSE_LEARNER"] = "course-check"
    os.environ["TIPCOURSE_LANG"] = "en"
    os.environ["TIPCOURSE_HOME"] = _root


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a notebook's kernel starts (at its first cell), give it a fresh progress folder."""
    path = getattr(item, "path", None)
    if path is not None and path.suffix == ".ipynb" and path != _notebook["path"]:
        _notebook["path"] = path
        os.environ["TIPCOURSE_HOME"] = tempfile.mkdtemp(prefix=path.stem + "-", dir=_root)


def pytest_unconfigure(config):
    shutil.rmtree(_root, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    """Mark what is slow or needs a browser or a package registry, so that
    ``pytest -m "not browser and not slow"`` is a fast inner loop; the README's test command
    still runs everything."""
    for item in items:
        path = item.path.as_posix()
        if "/tests/browser/" in path:
            item.add_marker(pytest.mark.browser)
        if path.endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)  # every notebook run in a kernel
        uses = getattr(item, "fixturenames", ())
        if path.endswith("/tests/test_binder.py") and "binder" in uses or "nbgrader" in uses:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.network)  # pip installs into a fresh environment


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say loudly, at the end of the run, that the browser tests did not run and why.

    The reason is read from the test reports, so this works with pytest-xdist too, where the
    tests run in worker processes (tests/browser/conftest.py skips them, or fails them under
    CI=true, with a message that starts with BROWSER TESTS NOT RUN).
    """
    reasons = []
    for kind in ("skipped", "failed", "error"):
        for report in terminalreporter.stats.get(kind, []):
            text = str(getattr(report, "longrepr", "") or "")
            if "BROWSER TESTS NOT RUN" in text:
                reason = text[text.index("BROWSER TESTS NOT RUN") :].split("\n")[0].rstrip("')")
                if reason not in reasons:
                    reasons.append(reason)
    if not reasons:
        return
    ci = os.environ.get("CI", "").strip().lower() == "true"
    terminalreporter.write_sep("!", "browser tests", red=True, bold=True)
    for reason in reasons:
        terminalreporter.write_line(reason, red=True, bold=True)
    terminalreporter.write_line(
        "CI=true: counted as failures." if ci else "Under CI=true this is a failure.", red=True
    )
