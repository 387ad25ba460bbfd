"""Drive JupyterLab 4 and Jupyter Notebook 7 in Debian's Chromium with Playwright (sync API).

Shared by the browser tests (``tests/browser``) and ``benchmarks/bench_browser.py``:

* :class:`JupyterServer` starts ``jupyter lab`` or ``jupyter notebook`` (or ``tipcourse start``)
  on a free port with a random token, in its own process group, with its own configuration,
  runtime, settings and workspace folders and its own progress home, and stops it and every
  process it started (kernels run in sessions of their own).
* :class:`Notebook` is one notebook open in a page: it waits for the kernel, runs all cells and
  reports the cells that show an error.
* :class:`QuestionWidget` is one tipcourse question on screen, answered with the mouse.

Playwright is imported by the functions that need it, so this module imports without it.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
_SHOW = re.compile(r"""tipcourse\.show\(\s*["']([\w.]+)["']""")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "Install Debian's Chromium with `apt-get update && apt-get install -y chromium` (as root), "
    "or run `python3 run.py test`, which installs it when it can."
)
#: What a learner's kernel shows in every test: the learner, the language and an empty home.
LEARNER = "browser-learner"
SERVER_START_SECONDS = 120
KERNEL_READY_SECONDS = 120
RUN_ALL_SECONDS = 300
STDERR = "application/vnd.jupyter.stderr"
#: How long a person holds a mouse button or a key down, in milliseconds. A text box sends its
#: value when it loses the focus (on mousedown over Check, or on Tab); ipykernel 7.4 handles a
#: widget message that arrives while another is still being handled at once, beside it, so a
#: click sent within a few milliseconds of the value can be checked against the previous
#: answer. People never press that fast; Playwright does unless told to hold the button.
HUMAN_PRESS_MS = 80


# -- finding things ------------------------------------------------------------------------


def find_chromium() -> str | None:
    """Debian's Chromium: /usr/bin/chromium, else ``chromium`` on PATH; None when missing."""
    for candidate in (CHROMIUM, shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch_chromium(playwright: Any, executable: str) -> Any:
    """Debian's Chromium, headless, with the flags that keep it off the network."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS, timeout=60_000
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean(text: str) -> str:
    """Text with every run of white space made one space, for comparing what a page shows."""
    return " ".join(str(text).split())


def safe_name(name: str) -> str:
    """A test's name as a file name: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "test"


# -- notebooks on disk ---------------------------------------------------------------------


def write_notebook(path: Path, cells: Sequence[str | tuple[str, str]]) -> Path:
    """Write a notebook of ``cells``: code as a string, or ("markdown", text)."""
    built = []
    for number, cell in enumerate(cells):
        kind, source = ("code", cell) if isinstance(cell, str) else cell
        entry: dict[str, Any] = {
            "cell_type": kind,
            "id": f"cell-{number}",
            "metadata": {},
            "source": source,
        }
        if kind == "code":
            entry.update(execution_count=None, outputs=[])
        built.append(entry)
    notebook = {
        "cells": built,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1), "utf-8")
    return path


def questions_shown(name: str) -> list[str]:
    """The ids of the questions that course notebook ``name`` shows, in order."""
    cells = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]
    sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    return [found for source in sources for found in _SHOW.findall(source)]


def code_cells_to_run(path: Path) -> list[bool]:
    """For each code cell of the notebook at ``path``: whether Run All executes it.

    JupyterLab skips a code cell whose source is blank: it keeps no execution count.
    """
    notebook = json.loads(path.read_text("utf-8"))
    return [
        bool("".join(cell["source"]).strip())
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]


# -- processes -----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: kernels start sessions of their own, so killpg misses them."""
    found, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead already; its parent only has to reap it
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def stop_process_group(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM the process group of ``process``, then SIGKILL it after ``timeout`` seconds.

    Processes it started in sessions of their own (Jupyter kernels) are found first and get
    the same treatment, so nothing it started outlives it.
    """
    others = descendants(process.pid)
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while any(_alive(pid) for pid in others) and time.monotonic() < deadline:
        time.sleep(0.2)  # a server shuts its kernels down on SIGTERM; give them the time
    for pid in others:
        if _alive(pid):
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass


# -- the server ----------------------------------------------------------------------------


class JupyterServer:
    """A Jupyter server on 127.0.0.1 with a random token and state folders of its own.

    ``app`` is "lab" or "notebook"; ``command`` replaces the whole command line (for
    ``tipcourse start``), with ``{port}`` and ``{token}`` filled in.
    """

    def __init__(
        self,
        workspace: Path,
        state: Path,
        app: str = "lab",
        command: Sequence[str] | None = None,
        learner: str = LEARNER,
        home: Path | None = None,
    ) -> None:
        self.workspace = Path(workspace)
        self.state = Path(state)
        self.app = app
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        self.learner = learner
        self.home = Path(home) if home else self.state / "tipcourse-home"
        self.log_path = self.state / f"jupyter-{app}.log"
        self.process: subprocess.Popen | None = None
        self._command = list(command) if command else None

    # -- starting and stopping ------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """This process's environment with Jupyter's state and tipcourse's progress isolated.

        JUPYTER_DATA_DIR stays as it is: the widgets extension and the kernel live under
        sys.prefix/share/jupyter.
        """
        settings = self.state / "lab-settings"
        notification = settings / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True, exist_ok=True)
        # No "Would you like to receive official Jupyter news?" popup, and no request for it.
        (notification / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}), "utf-8"
        )
        for name in ("config", "runtime", "lab-workspaces"):
            (self.state / name).mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(self.state / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.state / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.state / "lab-workspaces"),
            "TIPCOURSE_HOME": str(self.home),
            "TIPCOURSE_LEARNER": self.learner,
            "TIPCOURSE_LANG": "en",
            "PYTHONUNBUFFERED": "1",
        }

    def command(self) -> list[str]:
        if self._command:
            return [part.format(port=self.port, token=self.token) for part in self._command]
        command = [
            sys.executable,
            "-m",
            "jupyter",
            self.app,
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.workspace}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        return command

    def start(self) -> JupyterServer:
        """Start the server in a process group of its own; :meth:`wait_ready` waits for it."""
        self.state.mkdir(parents=True, exist_ok=True)
        environment = self.environment()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.state,
            )
        return self

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_ready(self, timeout: float = SERVER_START_SECONDS) -> None:
        """Wait until /api/status answers; raise with the server's log if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter {self.app} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                self.api("GET", "/api/status", timeout=5)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"jupyter {self.app} did not answer /api/status within {timeout:.0f} s:\n"
                        f"{self.log_tail()}"
                    ) from None
                time.sleep(0.2)

    def stop(self, timeout: float = 20.0) -> None:
        """Shut the kernels down, then stop the server's process group and what it started."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.shutdown_kernels()
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
        stop_process_group(self.process, timeout)

    def __enter__(self) -> JupyterServer:  # noqa: PYI034 (typing.Self needs Python 3.11)
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the REST API -----------------------------------------------------------------------

    def api(self, method: str, path: str, timeout: float = 30) -> Any:
        request = urllib.request.Request(
            self.base + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def sessions(self) -> list[dict]:
        return self.api("GET", "/api/sessions")

    def kernel_state(self, path: str) -> str | None:
        """The execution state the server has for the kernel of the notebook at ``path``."""
        for session in self.sessions():
            if session.get("path") == path and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None

    def shutdown_kernels(self, path: str | None = None) -> None:
        """Shut down the kernel of ``path``'s session, or every session and kernel."""
        for session in self.sessions():
            if path is None or session.get("path") == path:
                try:
                    self.api("DELETE", f"/api/sessions/{session['id']}")
                except urllib.error.HTTPError:
                    pass
        if path is None:
            for kernel in self.api("GET", "/api/kernels"):
                try:
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
                except urllib.error.HTTPError:
                    pass

    # -- addresses --------------------------------------------------------------------------

    def notebook_url(self, name: str) -> str:
        """The address that opens notebook ``name``: a fresh layout in Lab, /notebooks/ in 7."""
        if self.app == "notebook":
            return f"{self.base}/notebooks/{name}?token={self.token}"
        return f"{self.base}/lab/tree/{name}?reset&token={self.token}"


# -- a notebook in a page ------------------------------------------------------------------

# Set a flag on the page as soon as a run starts: a prompt shows [*] or the kernel is busy.
_WATCH_RUN = """() => {
  window.__tipcourseRunStarted = false;
  const started = () => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .some(p => p.textContent.includes('*'))
    || [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]
      .some(e => e.dataset.status === 'busy');
  if (window.__tipcourseRunWatcher) window.__tipcourseRunWatcher.disconnect();
  const watcher = new MutationObserver(() => {
    if (started()) { window.__tipcourseRunStarted = true; watcher.disconnect(); }
  });
  watcher.observe(document.body, {subtree: true, childList: true, characterData: true,
                                   attributes: true, attributeFilter: ['data-status']});
  window.__tipcourseRunWatcher = watcher;
}"""

# The prompt of every code cell, and what the execution indicators say.
_RUN_STATE = """() => ({
  prompts: [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(cell => {
    const prompt = cell.querySelector('.jp-InputPrompt');
    return prompt ? prompt.textContent.trim() : '';
  }),
  status: [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]
    .map(e => e.dataset.status),
})"""

# Every output of every code cell that shows an error: a traceback on stderr, an error output,
# or a widget that could not be displayed.
_ERRORS = """(stderrType) => {
  const found = [];
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  cells.forEach((cell, index) => {
    cell.querySelectorAll('.jp-OutputArea-output').forEach(output => {
      const text = output.innerText || output.textContent || '';
      const stderr = output.dataset.mimeType === stderrType;
      const traceback =
        /Traceback \\(most recent call last\\)|^\\s*\\w*(Error|Exception)\\b/m.test(text);
      const widgetError = /Error displaying widget|Error rendering output/.test(text);
      if ((stderr && traceback) || widgetError || output.closest('.jp-OutputArea-error')) {
        found.push({cell: index, kind: stderr ? 'stderr' : 'output', text: text.slice(0, 2000)});
      } else if (stderr) {
        found.push({cell: index, kind: 'stderr-note', text: text.slice(0, 2000)});
      }
    });
  });
  return found;
}"""


class Notebook:
    """Notebook ``name`` open in ``page``, served by ``server``."""

    def __init__(self, page: Any, server: JupyterServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name

    @property
    def path(self) -> Path:
        return self.server.workspace / self.name

    def open(self, timeout: float = KERNEL_READY_SECONDS) -> Notebook:
        self.page.goto(self.server.notebook_url(self.name), wait_until="domcontentloaded")
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=timeout * 1000)
        self.wait_kernel_idle(timeout)
        return self

    def _kernel_shown_idle(self) -> bool:
        """Whether the page itself says the kernel is connected and idle."""
        if self.server.app == "lab":
            shown = self.page.locator(".jp-StatusBar-TextItem").all_inner_texts()
            return any(re.search(r"\|\s*Idle\s*$", text) for text in shown)
        name = self.page.locator(".jp-KernelName").all_inner_texts()
        status = self.page.locator(".jp-NotebookKernelStatus").all_inner_texts()
        return (
            bool(name)
            and bool(name[0].strip())
            and "No Kernel" not in name[0]
            and not any(
                re.search(r"Connecting|Starting|Restarting|Busy|Dead|Unknown", text)
                for text in status
            )
        )

    def wait_kernel_idle(self, timeout: float = KERNEL_READY_SECONDS, settle: float = 0.6) -> None:
        """Wait until the kernel is idle on the server and in the page, twice in a row.

        The execution indicator says "idle" even before a kernel is connected, so the
        server's view of the kernel and the page's kernel status must agree as well.
        """
        deadline = time.monotonic() + timeout
        steady = 0
        while steady < 2:
            state = self.server.kernel_state(self.name)
            indicator = self.page.locator(".jp-Notebook-ExecutionIndicator").evaluate_all(
                "els => els.map(e => e.dataset.status)"
            )
            if (
                state == "idle"
                and indicator
                and set(indicator) == {"idle"}
                and (self._kernel_shown_idle())
            ):
                steady += 1
            else:
                steady = 0
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name}: the kernel was not idle within {timeout:.0f} s "
                    f"(server: {state}, page: {indicator})"
                )
            time.sleep(settle if steady else 0.25)

    def menu(self, menu: str, command: str) -> None:
        """Choose a command from the menu bar (the same in JupyterLab and Notebook 7)."""
        self.page.get_by_role("menuitem", name=menu, exact=True).click()
        self.page.locator(f"li.lm-Menu-item[data-command='{command}']").click()

    def run_all(self, timeout: float = RUN_ALL_SECONDS) -> list[str]:
        """Run → Run All Cells, retrying once if the run did not start; the prompts after it.

        Waits until the kernel is idle again and every code cell that Run All executes shows
        an execution number.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        expected = code_cells_to_run(self.path) if self.path.exists() else None
        for attempt in (1, 2):
            self.page.evaluate(_WATCH_RUN)
            self.menu("Run", "runmenu:run-all")
            try:
                self.page.wait_for_function(
                    "() => window.__tipcourseRunStarted === true", timeout=20_000, polling=50
                )
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise AssertionError(f"{self.name}: Run All did not start, twice") from None
                self.page.keyboard.press("Escape")  # close a menu left open, if any
                self.wait_kernel_idle()
                if self.page.evaluate("() => window.__tipcourseRunStarted === true"):
                    break  # it did start, late: running it again would run every cell twice
        deadline = time.monotonic() + timeout
        steady = 0
        while True:
            state = self.page.evaluate(_RUN_STATE)
            prompts, status = state["prompts"], state["status"]
            numbered = [bool(re.fullmatch(r"\[\d+\]:", prompt)) for prompt in prompts]
            if expected is not None and len(expected) == len(prompts):
                complete = all(done for done, runs in zip(numbered, expected, strict=True) if runs)
            else:
                complete = not any("*" in prompt for prompt in prompts)
            if complete and set(status) == {"idle"} and not any("*" in p for p in prompts):
                steady += 1
                if steady >= 2 and self.server.kernel_state(self.name) == "idle":
                    return prompts
            else:
                steady = 0
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name}: Run All did not finish within {timeout:.0f} s; "
                    f"prompts {prompts}, kernel {status}"
                )
            time.sleep(0.3)

    def errors(self) -> tuple[list[dict], list[dict]]:
        """(outputs that show an error, other stderr outputs) of every code cell."""
        found = self.page.evaluate(_ERRORS, STDERR)
        notes = [item for item in found if item["kind"] == "stderr-note"]
        return [item for item in found if item["kind"] != "stderr-note"], notes

    def restart_kernel(self) -> None:
        """Kernel → Restart Kernel…, confirmed in the dialog; waits for the idle kernel."""
        self.menu("Kernel", "kernelmenu:restart")
        dialog = self.page.locator(".jp-Dialog")
        dialog.locator("button.jp-mod-accept").click()
        dialog.wait_for(state="detached")
        time.sleep(0.5)
        self.wait_kernel_idle()

    def code_cell(self, index: int) -> Any:
        """The code cell at ``index`` among the notebook's code cells."""
        return self.page.locator(".jp-Notebook .jp-CodeCell").nth(index)


# What elements show: their rendered text, or their text content when the browser skips
# rendering them (JupyterLab gives cells out of view `content-visibility: auto`).
_SHOWN = """els => els.map(e => {
  const rendered = e.innerText;
  return rendered && rendered.trim() ? rendered : e.textContent;
})"""


def shown_text(locator: Any) -> str:
    """All that the elements of ``locator`` show, white space made single."""
    return clean(" ".join(locator.evaluate_all(_SHOWN)))


def shown_markdown(text: str) -> str:
    """What the view shows of Markdown from a bank (a hint, feedback, an explanation)."""
    from tipcourse.views.widgets import markdown_html

    return clean(html.unescape(re.sub(r"<[^>]+>", " ", markdown_html(text))))


def wait_for_text(locator: Any, wanted: Iterable[str], timeout: float = 30, what: str = "") -> str:
    """Wait until ``locator`` shows every text in ``wanted``; what it shows then."""
    wanted = [clean(text) for text in wanted]
    deadline = time.monotonic() + timeout
    shown = ""
    while True:
        shown = shown_text(locator)
        if all(text in shown for text in wanted):
            return shown
        if time.monotonic() > deadline:
            missing = [text for text in wanted if text not in shown]
            raise AssertionError(
                f"{what}: not shown within {timeout} s: {missing!r}\nshown: {shown!r}"
            )
        time.sleep(0.05)


# -- one question on screen ----------------------------------------------------------------


class QuestionWidget:
    """The view of question ``question_id`` (a ``.tc-question`` section) in ``page``."""

    def __init__(self, page: Any, question_id: str) -> None:
        self.page = page
        self.id = question_id
        self.box = page.locator(f".tc-question[data-question-id='{question_id}']")

    def button(self, name: str) -> Any:
        """Check, Hint or Show evidence: each button's accessible name carries the id."""
        return self.box.get_by_role("button", name=f"{name} ({self.id})", exact=True)

    def feedback(self) -> Any:
        return self.box.locator(".tc-feedback")

    def live(self) -> Any:
        """The question's one live region."""
        return self.box.locator("[role=status]")

    def checked_count(self) -> int:
        """How many checks the feedback area reports (0 before the first)."""
        if not self.feedback().is_visible():
            return 0
        found = re.search(r"(\d+)\s*$", shown_text(self.feedback()))
        return int(found.group(1)) if found else 0

    def wait_text(self, locator: Any, wanted: Iterable[str], timeout: float = 30) -> str:
        """Wait until ``locator`` shows every text in ``wanted`` (white space made single)."""
        return wait_for_text(locator, wanted, timeout, what=self.id)

    # -- choosing an answer with the mouse ---------------------------------------------------

    def choose(self, question: Any, answer: Any) -> None:
        """Set the inputs as a learner would, with the mouse and keyboard, to give ``answer``."""
        kind = question.type
        if kind in ("single", "truefalse"):
            value = str(answer).lower() if kind == "truefalse" else answer
            self.box.locator(f"input[type=radio][value='{value}']").check()
        elif kind == "multiple":
            for option in question.options:
                box = self.box.locator(f"input[type=checkbox][value='{option.key}']")
                box.set_checked(option.key in answer)
        elif kind in ("numeric", "text"):
            self.box.locator("input[type=text]").fill(str(answer))
        elif kind == "order":
            self.put_in_order(list(answer))
        else:
            raise ValueError(f"unknown question type {kind!r}")

    @staticmethod
    def true_false_word(value: bool) -> str:
        from tipcourse.report.messages import message

        return message("widget.true" if value else "widget.false")

    def order_shown(self) -> list[str]:
        """The keys of an ordering question's items, top to bottom, as the page shows them."""
        rows = self.box.locator(".tc-order .tc-item").all_text_contents()
        return [row.split(")", 1)[0].strip() for row in rows]

    def put_in_order(self, wanted: list[str]) -> None:
        """Press Up buttons until the items stand in ``wanted`` order."""
        for position, key in enumerate(wanted):
            while True:
                shown = self.order_shown()
                now = shown.index(key)
                if now == position:
                    break
                self.button_at("Up", now).click()
                self._wait_order_change(shown)

    def button_at(self, name: str, position: int) -> Any:
        """The Up or Down button of the item now at ``position`` (from 0)."""
        row = self.box.locator(".tc-order > li").nth(position)
        return row.locator("button").nth(0 if name == "Up" else 1)

    def _wait_order_change(self, before: list[str], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.order_shown() == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.id}: the order did not change within {timeout} s")
            time.sleep(0.05)

    def check(self) -> None:
        """Press Check and wait for the feedback of this check."""
        before = self.checked_count()
        self.button("Check").click(delay=HUMAN_PRESS_MS)
        self.wait_checked(before)

    def wait_checked(self, before: int, timeout: float = 30) -> None:
        """Wait until the feedback area shows a check made after ``before`` checks."""
        deadline = time.monotonic() + timeout
        while self.checked_count() <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.id}: no feedback within {timeout} s after Check")
            time.sleep(0.03)


# -- answers from the bank -----------------------------------------------------------------


def number_text(value: float) -> str:
    """A number as a learner types it: 14, 12.5."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def right_answer(question: Any) -> Any:
    """The bank's answer, in the form the widget takes."""
    if question.type in ("multiple", "order"):
        return list(question.answer)
    if question.type == "numeric":
        return number_text(question.answer)
    return question.answer


def wrong_answer(question: Any, shown_order: list[str] | None = None) -> tuple[Any, str]:
    """A wrong answer and the feedback text the bank gives for it, both from the bank.

    The feedback's white space is made single, as the page shows it.

    For an ordering question the wrong answer is the order first shown (never the right one),
    whose feedback is that of the first item out of place.
    """
    kind = question.type
    if kind == "single":
        option = next(o for o in question.options if o.key != question.answer)
        return option.key, shown_markdown(option.feedback)
    if kind == "multiple":
        option = next(o for o in question.options if o.key not in question.answer)
        return [option.key], shown_markdown(option.feedback)
    if kind == "truefalse":
        return (not question.answer), shown_markdown(question.wrong_feedback)
    if kind == "numeric":
        candidates = [(r.low + r.high) / 2 for r in question.ranges] + [
            float(question.answer) * 3 + 1,
            float(question.answer) + 1000,
        ]
        for value in candidates:
            if question.evaluate(number_text(value)).status == "incorrect":
                feedback = next(
                    (r.feedback for r in question.ranges if r.low <= value <= r.high),
                    question.wrong_feedback,
                )
                return number_text(value), shown_markdown(feedback)
        raise AssertionError(f"{question.id}: no wrong number found")
    if kind == "text":
        candidates = [(w.answers[0], w.feedback) for w in question.wrong_answers]
        candidates.append(("Tlaxcala Oaxaca Sonora", question.wrong_feedback))
        for text, feedback in candidates:
            if question.evaluate(text).status == "incorrect":
                return text, shown_markdown(feedback)
        raise AssertionError(f"{question.id}: no wrong text found")
    if kind == "order":
        keys = list(shown_order or [o.key for o in question.options])
        assert keys != list(question.answer), "an ordering question never starts in order"
        misplaced = next(k for k, a in zip(keys, question.answer, strict=True) if k != a)
        option = next(o for o in question.options if o.key == misplaced)
        return keys, shown_markdown(option.feedback)
    raise ValueError(f"unknown question type {kind!r}")


def pick_questions() -> dict[str, Any]:
    """One question of each type from ``tipcourse.questions()``: with hints where one has,
    and for numbers and words one whose wrong answers have feedback of their own."""
    import tipcourse

    def score(question: Any) -> tuple:
        specific = bool(question.ranges or question.wrong_answers)
        return (bool(question.hints), specific)

    chosen: dict[str, Any] = {}
    for question in tipcourse.questions():
        best = chosen.get(question.type)
        if best is None or score(question) > score(best):
            chosen[question.type] = question
    return chosen


# -- the keyboard alone ---------------------------------------------------------------------

MAX_PRESSES = 200

# Where the focus is: the question it is in, and what it is.
FOCUS = """() => {
  const e = document.activeElement;
  const box = e && e.closest('.tc-question');
  return {
    question: box ? box.dataset.questionId : null,
    tag: e ? e.tagName.toLowerCase() : null,
    type: e && e.type ? e.type : null,
    value: e && 'value' in e ? String(e.value) : null,
    text: e ? (e.getAttribute('aria-label') || e.textContent || '').trim() : '',
    inView: !!(e && e.closest('.tc-view')),
  };
}"""

# Whether question ``id`` stands after the focused element in the page.
_AFTER = """(id) => {
  const target = document.querySelector(`.tc-question[data-question-id="${id}"]`);
  const active = document.activeElement;
  if (!active || active === document.body) return true;
  return !!(active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


class Keys:
    """Presses keys and says where the focus is; never clicks."""

    def __init__(self, page) -> None:
        self.page = page
        self.sequence: list[str] = []

    def press(self, key: str) -> None:
        self.page.keyboard.press(key, delay=HUMAN_PRESS_MS // 2)
        self.sequence.append(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=HUMAN_PRESS_MS // 3)
        self.sequence.append(f"type:{text}")

    def settle(self, timeout: float = 2.0) -> None:
        """Wait until the focus has stayed on one element for two frames."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            now = self.page.evaluate(f"() => JSON.stringify(({FOCUS})())")
            if now == last:
                return
            last = now
            self.page.wait_for_timeout(50)

    def focus(self) -> dict:
        return self.page.evaluate(FOCUS)

    def reach(self, question_id: str) -> None:
        """Tab until the focus enters the question at its first control (Shift+Tab first,
        past the question, when it is above the focus)."""
        going_back = False
        for _ in range(MAX_PRESSES):
            inside = self.focus()["question"] == question_id
            if inside and not going_back:
                self.sequence.clear()  # the keys that count start inside the question
                return
            if not inside:
                going_back = not self.page.evaluate(_AFTER, question_id)
            self.page.keyboard.press("Shift+Tab" if going_back else "Tab")
        raise AssertionError(f"{MAX_PRESSES} presses of Tab did not reach {question_id}")

    def expect_button(self, question_id: str, word: str) -> None:
        found = self.focus()
        assert found["question"] == question_id and found["tag"] == "button", found
        assert found["text"] == f"{word} ({question_id})", found


def answer_with_keys(
    keys: Keys, widget: QuestionWidget, question: Any, answer: Any = None
) -> list[str]:
    """Give ``answer`` (the right one if None) with keys from the question's first control;
    the keys expected."""
    kind = question.type
    answer = right_answer(question) if answer is None else answer
    if kind in ("single", "truefalse"):
        values = ["true", "false"] if kind == "truefalse" else [o.key for o in question.options]
        wanted = str(answer).lower() if kind == "truefalse" else answer
        # Space checks the radio the focus is on; ArrowDown moves to the next and checks it.
        expected = ["Space"]
        keys.settle()
        keys.press("Space")
        keys.settle()
        for _ in values:
            if keys.focus()["value"] == wanted:
                break
            keys.press("ArrowDown")
            keys.settle()
            expected.append("ArrowDown")
            checked = widget.box.locator("input:checked").get_attribute("value")
            assert checked == keys.focus()["value"], ("arrow moved without checking", keys.focus())
        focus = keys.focus()
        assert (focus["type"], focus["value"]) == ("radio", wanted), focus
        assert widget.box.locator("input:checked").get_attribute("value") == wanted
        keys.press("Tab")  # the group is one Tab stop: the next one is Check
        return [*expected, "Tab"]
    if kind == "multiple":
        expected = []
        for option in question.options:
            focus = keys.focus()
            assert (focus["type"], focus["value"]) == ("checkbox", option.key), focus
            if option.key in answer:
                keys.press("Space")
                expected.append("Space")
            keys.press("Tab")
            expected.append("Tab")
        return expected
    if kind in ("numeric", "text"):
        assert keys.focus()["type"] == "text"
        keys.type(str(answer))
        keys.press("Tab")
        return [f"type:{answer}", "Tab"]
    # order: Up on the item that belongs higher, pressed until it is in place (the focus stays
    # on the moved item's button); Tab moves between the items' buttons.
    expected = []
    for position, key in enumerate(answer):
        while (now := widget.order_shown().index(key)) != position:
            target = widget.button_at("Up", now).get_attribute("aria-label")
            while keys.focus()["text"] != target:
                after = widget.button_at("Up", now).evaluate(
                    "(b) => !!(document.activeElement.compareDocumentPosition(b) & 4)"
                )
                keys.press("Tab" if after else "Shift+Tab")
                expected.append("Tab" if after else "Shift+Tab")
            keys.press("Enter")
            expected.append("Enter")
            assert keys.focus()["text"] == target, "the focus left the moved item"
    from tipcourse.report.messages import message

    while keys.focus()["text"] != f"{message('widget.check')} ({question.id})":
        keys.press("Tab")
        expected.append("Tab")
    return expected
