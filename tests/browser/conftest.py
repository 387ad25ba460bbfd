"""Browser tests: the course in JupyterLab 4 and Notebook 7, driven in Debian's Chromium.

One JupyterLab server and one browser serve the whole run; each test opens its own pages (a
fresh browser context) and shuts down the kernels it started. The servers run in process
groups of their own with their own Jupyter state and progress home, and are stopped (SIGTERM,
then SIGKILL) with every process they started.

Chromium missing: the tests are skipped with a message that says how to install it, except
under CI=true, where a missing browser is a failure. A failing test leaves a screenshot of its
page in ``test-artifacts/browser/<test name>.png``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest
from jupyter_browser import (
    ARTIFACTS,
    INSTALL_HINT,
    NOTEBOOKS,
    JupyterServer,
    Notebook,
    find_chromium,
    launch_chromium,
    safe_name,
)

PAGES = pytest.StashKey[list]()
NOT_RUN = "BROWSER TESTS NOT RUN"  # conftest.py at the root looks for it in the reports
VIEWPORT = {"width": 1280, "height": 900}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _missing(what: str) -> None:
    """Skip (fail under CI=true) every browser test, saying loudly what to install."""
    text = f"{NOT_RUN}: {what}"  # the root conftest.py repeats it at the end of the run
    if in_ci():
        pytest.fail(f"{text} (CI=true: a missing browser is a failure, not a skip)", pytrace=False)
    pytest.skip(text)


@pytest.fixture(scope="session")
def chromium_executable(request: pytest.FixtureRequest) -> str:
    """Debian's Chromium, or a skip (a failure under CI=true) saying how to install it."""
    executable = find_chromium()
    if executable is None:
        _missing(
            f"Chromium is not installed (no /usr/bin/chromium and no "
            f"`chromium` on PATH). {INSTALL_HINT}"
        )
    if importlib.util.find_spec("playwright") is None:
        _missing("the Python package playwright is not installed: pip install -e '.[test]'")
    return executable


@pytest.fixture(scope="session")
def browser(chromium_executable: str):
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright, chromium_executable)
        try:
            yield launched
        finally:
            launched.close()


def _server(tmp_path_factory: pytest.TempPathFactory, app: str):
    base = tmp_path_factory.mktemp(f"jupyter-{app}")
    workspace = base / "workspace"
    workspace.mkdir()
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        shutil.copy2(notebook, workspace / notebook.name)
    server = JupyterServer(workspace, base / "state", app=app)
    server.start()
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def lab_server(chromium_executable: str, tmp_path_factory: pytest.TempPathFactory):
    """JupyterLab 4 serving a copy of notebooks/ for the whole run."""
    server = _server(tmp_path_factory, "lab")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def notebook7_server(chromium_executable: str, tmp_path_factory: pytest.TempPathFactory):
    """Jupyter Notebook 7 serving a copy of notebooks/, started when a test first needs it."""
    if importlib.util.find_spec("notebook") is None:
        pytest.fail(
            "Jupyter Notebook 7 is not installed: pip install -e '.[test]' "
            "(the test extra has notebook>=7,<8)",
            pytrace=False,
        )
    server = _server(tmp_path_factory, "notebook")
    try:
        yield server
    finally:
        server.stop()


def _new_page(browser, item: pytest.Item | None = None):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    if item is not None:
        item.stash.setdefault(PAGES, []).append(page)
    return context, page


@pytest.fixture
def open_notebook(browser, request: pytest.FixtureRequest):
    """open_notebook(server, name): the notebook open in a fresh page, its kernel idle.

    At the end of the test the page closes and the notebook's kernel is shut down.
    """
    yield from _notebook_opener(browser, request.node)


@pytest.fixture(scope="module")
def module_notebook(browser, request: pytest.FixtureRequest):
    """Like open_notebook, for a notebook that every test of one module shares."""
    yield from _notebook_opener(browser)


def _notebook_opener(browser, node: pytest.Item | None = None):
    """Yield open_one(server, name); afterwards close its pages and shut down their kernels.

    With ``node`` (a test), the pages are that test's, and screenshotted when it fails.
    """
    opened: list[tuple] = []

    def open_one(server: JupyterServer, name: str) -> Notebook:
        context, page = _new_page(browser, node)
        opened.append((context, server, name))
        return Notebook(page, server, name).open()

    yield open_one
    for context, server, name in opened:
        context.close()
        server.shutdown_kernels(name)


def _pages(item: pytest.Item) -> list:
    """The open pages a test used: its own, and those of the fixtures it was given."""
    pages = list(item.stash.get(PAGES, []))
    for value in getattr(item, "funcargs", {}).values():
        page = getattr(value, "page", None)
        if page is not None and page not in pages:
            pages.append(page)
    return [page for page in pages if hasattr(page, "screenshot") and not page.is_closed()]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing test leaves a screenshot of its page in test-artifacts/browser/<name>.png."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or report.when not in ("setup", "call"):
        return
    for number, page in enumerate(_pages(item)):
        suffix = f"-{number + 1}" if number else ""
        target = ARTIFACTS / f"{safe_name(item.name)}{suffix}.png"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=True, timeout=20_000)
        except Exception as error:  # noqa: BLE001 (a crashed page: the failure is what matters)
            report.sections.append(("screenshot", f"could not save {target}: {error}"))
        else:
            report.sections.append(("screenshot", f"saved {target}"))
