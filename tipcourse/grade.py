"""``tipcourse grade``: run submitted notebooks in fresh kernels and score them from outside.

Each submission runs in its own kernel, started in its own temporary folder (the kernel's working
directory, HOME, TMPDIR and TIPCOURSE_HOME), with a scrubbed environment, a memory limit
(``RLIMIT_AS``) and one wall-clock deadline for the whole notebook. The grader sends the code
cells one by one; the notebook file is never copied into the kernel's folder.

How answers get out of the kernel. An answer cell (``tipcourse.role == "answer"`` in its
metadata) sets one variable per item: the exercise's answer variable, or ``prosecution_q01`` for
a question (see :mod:`tipcourse.assign`). Right after such a cell runs, the grader sends its own
silent request: a snippet that encodes that variable's value as plain JSON (numbers, text,
lists, tables as columns; a function is called with the bank's argument lists in the kernel and
only its results travel) and hands the JSON back as a *user expression* in the shell reply, not
as printed output. Items never captured that way (a deleted or re-labeled cell) are captured
once at the end. The grader decodes the JSON into plain data in its own process and checks it
with its own copy of the question and exercise bank, loaded before any kernel starts.

Nothing the notebook prints, displays or checks itself is read: a monkeypatched ``tipcourse``,
a fake "Correct" or score, or a fake capture printed to the output cannot change a score, because
the only thing that crosses from the kernel is data that the grader's own code compares. The
worst a notebook can do is hand over a value — which is what answering means. Pickle is never
used: unpickling would run the notebook's code in the grader.

Statuses: ``ok`` (every cell ran), ``error`` (a cell raised, or the kernel died — what was
captured before still counts), ``timeout`` (the deadline passed; what was captured before still
counts), ``invalid`` (not a readable notebook, or no items to grade: score 0).
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .messages import message

__all__ = ["Key", "Result", "add_parser", "grade", "grade_one", "main", "write_gradebook"]

MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
MAX_PAYLOAD_CHARS = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 4096
COLUMNS = ["submission", "learner", "status", "score", "max_score", "detail"]
LEARNER = "learner"
MARKER = "TIPCOURSE_GRADE_RUN"

# The snippet that runs in the kernel: it only reads values and turns them into JSON text.
ENCODER = r'''
def __tipcourse_encode__(wanted, calls):
    import json as _json, math as _math
    def enc(value, depth=0):
        if depth > 30:
            return {"__t": "other", "type": "too deep"}
        kind = type(value)
        module = getattr(kind, "__module__", "") or ""
        if value is None or kind is bool or kind is str:
            return value if kind is not str or len(value) <= 100000 else {"__t": "other", "type": "long text"}
        if kind is int:
            return value if abs(value) < 2 ** 63 else {"__t": "float", "v": str(float(value))}
        if kind is float:
            return value if _math.isfinite(value) else {"__t": "float", "v": str(value)}
        if value is Ellipsis:
            return {"__t": "ellipsis"}
        if kind in (list, tuple, set, frozenset):
            items = list(value)
            if len(items) > 100000:
                return {"__t": "other", "type": "long " + kind.__name__}
            if kind in (set, frozenset):
                items = sorted(items, key=repr)
            return {"__t": kind.__name__, "v": [enc(item, depth + 1) for item in items]}
        if kind is dict:
            return {"__t": "dict", "v": [[enc(k, depth + 1), enc(v, depth + 1)] for k, v in list(value.items())[:100000]]}
        if module.startswith("numpy") and hasattr(value, "dtype"):
            if getattr(value, "ndim", 0) == 0:
                return {"__t": "npscalar", "dtype": str(value.dtype), "v": enc(value.item(), depth + 1)}
            if value.size > 1000000:
                return {"__t": "other", "type": "large array"}
            return {"__t": "ndarray", "dtype": str(value.dtype), "v": enc(value.tolist(), depth + 1)}
        if module.startswith("pandas"):
            name = kind.__name__
            if name in ("Index", "RangeIndex", "MultiIndex", "DatetimeIndex", "CategoricalIndex"):
                return {"__t": "index", "multi": name == "MultiIndex", "names": enc(list(value.names), depth + 1),
                        "dtype": str(value.dtype), "v": enc([item for item in value], depth + 1)}
            if name == "Series" and len(value) <= 1000000:
                return {"__t": "series", "name": enc(value.name, depth + 1), "dtype": str(value.dtype),
                        "index": enc(value.index, depth + 1), "v": enc(value.tolist(), depth + 1)}
            if name == "DataFrame" and value.size <= 1000000:
                return {"__t": "dataframe", "columns": enc(value.columns, depth + 1),
                        "index": enc(value.index, depth + 1),
                        "dtypes": [str(dtype) for dtype in value.dtypes],
                        "v": [enc(value.iloc[:, position].tolist(), depth + 1) for position in range(value.shape[1])]}
        if callable(value):
            return {"__t": "function"}
        return {"__t": "other", "type": kind.__name__[:60]}
    found = {}
    namespace = globals()
    for item_id, name in wanted.items():
        if name not in namespace:
            found[item_id] = {"__t": "missing"}
            continue
        value = namespace[name]
        try:
            if item_id in calls and callable(value):
                results = []
                for args in calls[item_id]:
                    try:
                        results.append({"ok": enc(value(*args))})
                    except Exception as error:
                        results.append({"raised": type(error).__name__ + ": " + str(error)[:300]})
                found[item_id] = {"__t": "calls", "v": results}
            else:
                found[item_id] = enc(value)
        except Exception as error:
            found[item_id] = {"__t": "other", "type": type(error).__name__}
    return _json.dumps(found, allow_nan=False)
'''


class Unreadable:
    """A learner's value the grader cannot rebuild (an object of an unknown kind)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"<{self.kind}>"


class Missing:
    """The learner never set the answer variable."""


def decode(data: Any) -> Any:
    """Plain data from the kernel's JSON, rebuilt in the grader (no code from the notebook runs)."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    tag = data.get("__t")
    values = data.get("v")
    if tag == "ellipsis":
        return ...
    if tag == "missing":
        return Missing()
    if tag == "float":
        return float(values)
    if tag in ("list", "tuple", "set", "frozenset"):
        items = [decode(item) for item in values]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](
            items if tag in ("list", "tuple") else _hashable(items))
    if tag == "dict":
        return {_hashable([decode(key)])[0]: decode(value) for key, value in values}
    if tag == "npscalar":
        import numpy

        return numpy.array(decode(values), dtype=data["dtype"])[()]
    if tag == "ndarray":
        import numpy

        return numpy.array(decode(values), dtype=data["dtype"])
    if tag == "index":
        import pandas

        items = decode(values)
        names = decode(data["names"])
        if data.get("multi"):
            return pandas.MultiIndex.from_tuples([tuple(item) for item in items], names=names)
        return pandas.Index(items, name=names[0] if names else None, dtype=_dtype(data["dtype"]))
    if tag == "series":
        import pandas

        series = pandas.Series(decode(values), index=decode(data["index"]), name=decode(data["name"]),
                               dtype=_dtype(data["dtype"]))
        return series
    if tag == "dataframe":
        import pandas

        columns = decode(data["columns"])
        frame = pandas.DataFrame({position: decode(column) for position, column in enumerate(values)},
                                 index=decode(data["index"]))
        for position, dtype in enumerate(data["dtypes"]):
            if _dtype(dtype) is not None:
                frame[position] = frame[position].astype(dtype)
        frame.columns = columns
        return frame
    if tag == "calls":
        return _Replay([{"raised": str(result["raised"])} if "raised" in result
                         else {"ok": decode(result.get("ok"))} for result in values])
    if tag == "function":
        return _Replay([])
    return Unreadable(str(data.get("type", "object")))


def _dtype(text: str) -> str | None:
    """A dtype the grader rebuilds as such; others are left to pandas to infer."""
    simple = re.fullmatch(r"(u?int|float)(8|16|32|64)|bool|object|category|string", text)
    return text if simple else None


def _hashable(items: list) -> list:
    return [tuple(_hashable(item)) if isinstance(item, list) else item for item in items]


class _Replay:
    """A learner's function, replayed: its results for the bank's calls, computed in the kernel."""

    def __init__(self, results: list) -> None:
        self._results = results
        self._next = 0

    def __call__(self, *args: Any) -> Any:
        if self._next >= len(self._results):
            raise TypeError(message("grade.not_a_function"))
        result = self._results[self._next]
        self._next += 1
        if "raised" in result:
            raise RuntimeError(result["raised"])
        return result["ok"]


# -- the key ------------------------------------------------------------------------------------


@dataclass
class Key:
    """The instructor's key, in the grader's memory only: per notebook, the items to grade."""

    notebooks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def from_manifest(cls, path: Path) -> Key:
        """The key of an assignment written by ``tipcourse assign`` (its folder or manifest)."""
        path = path / "assignment.json" if path.is_dir() else path
        manifest = json.loads(path.read_text("utf-8"))
        return cls({entry["notebook"]: entry["items"] for entry in manifest["notebooks"]})

    def items_for(self, name: str, metadata: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The items of a submission: by its assignment metadata, its file name, or the only one."""
        claimed = metadata.get("notebook") if isinstance(metadata, dict) else None
        if claimed in self.notebooks:
            return self.notebooks[claimed]
        for notebook, items in self.notebooks.items():
            if Path(notebook).stem in name:
                return items
        if len(self.notebooks) == 1:
            return next(iter(self.notebooks.values()))
        return None


def _items_from_metadata(ids: Any) -> list[dict[str, Any]]:
    """Items named by a submission's own metadata (used without --assignment)."""
    from .assign import answer_variable
    from .exercises import exercise
    from .questions import question

    items = []
    for item_id in ids if isinstance(ids, list) else []:
        try:
            if ".e" in str(item_id):
                found = exercise(str(item_id))
                items.append({"id": found.id, "kind": "exercise", "points": found.points,
                              "variable": found.answer_name})
            else:
                found = question(str(item_id))
                items.append({"id": found.id, "kind": "question", "points": found.points,
                              "variable": answer_variable(found.id)})
        except KeyError:
            continue
    return items


def _bank_item(info: dict[str, Any]) -> Any:
    from .exercises import exercise
    from .questions import question

    return exercise(info["id"]) if info["kind"] == "exercise" else question(info["id"])


# -- one submission -----------------------------------------------------------------------------


@dataclass
class Result:
    """One gradebook row and what the feedback file needs."""

    submission: str
    status: str
    learner: str = ""
    detail: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, Any] = field(default_factory=dict)

    @property
    def points(self) -> dict[str, float]:
        return {info["id"]: round(self.outcomes[info["id"]].score * info["points"], 4)
                if info["id"] in self.outcomes else 0.0 for info in self.items}

    @property
    def score(self) -> float:
        return round(sum(self.points.values()), 4)

    @property
    def max_score(self) -> float:
        return sum(info["points"] for info in self.items)


def _one_line(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _read(path: Path) -> tuple[Any, str]:
    """The notebook, or None and why it cannot be graded."""
    import nbformat

    try:
        if path.stat().st_size > MAX_SUBMISSION_BYTES:
            return None, message("grade.detail.too_large")
        text = path.read_text("utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        return None, message("grade.detail.not_json", error=_one_line(error, 80))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, message("grade.detail.not_notebook")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises many kinds for a broken notebook
        return None, message("grade.detail.not_notebook_because", error=_one_line(error, 80))
    return notebook, ""


def _kernel_env(folder: Path, run_id: str) -> dict[str, str]:
    """A scrubbed environment: nothing of the grader's, everything pointing into ``folder``."""
    bin_dir = os.path.dirname(sys.executable)
    home = str(folder)
    return {
        "PATH": os.pathsep.join([bin_dir, "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": home, "TMPDIR": home, "TEMP": home, "TMP": home,
        "TIPCOURSE_HOME": os.path.join(home, ".tipcourse"), "TIPCOURSE_LANG": "en",
        "TIPCOURSE_LEARNER": "grader", "IPYTHONDIR": os.path.join(home, ".ipython"),
        "MPLCONFIGDIR": os.path.join(home, ".matplotlib"), "MPLBACKEND": "Agg",
        "JUPYTER_CONFIG_DIR": os.path.join(home, ".jupyter"),
        "JUPYTER_DATA_DIR": os.path.join(home, ".jupyter-data"),
        "JUPYTER_RUNTIME_DIR": os.path.join(home, ".jupyter-runtime"),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONNOUSERSITE": "1",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        MARKER: run_id,
    }


def _font_cache() -> list[Path]:
    """The grader's matplotlib font cache, copied into each folder so no kernel rebuilds it."""
    places = [os.environ.get("MPLCONFIGDIR", ""), os.path.expanduser("~/.cache/matplotlib"),
              os.path.expanduser("~/.matplotlib")]
    for place in filter(None, places):
        found = sorted(Path(place).glob("fontlist-*.json"))
        if found:
            return found
    return []


def _kill_leftovers(run_id: str, group: int | None, folder: Path) -> None:
    """Kill the kernel's process group, and any process with this run's marker or working folder."""
    if group:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    marker = f"{MARKER}={run_id}".encode()
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            marked = marker in (entry / "environ").read_bytes().split(b"\0")
            inside = os.readlink(entry / "cwd").startswith(str(folder))
            if marked or inside:
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


class _Deadline(Exception):
    pass


class _Died(Exception):
    pass


class _Kernel:
    """One sandboxed kernel, driven directly over its shell channel (outputs are never read)."""

    def __init__(self, folder: Path, deadline: float, memory_mb: int) -> None:
        from jupyter_client import KernelManager

        self.run_id = uuid.uuid4().hex
        self.folder = folder
        self.deadline = deadline
        self.manager = KernelManager(kernel_name="python3")
        self.manager.connection_file = str(folder / ".kernel.json")
        # Sockets as files in the folder: no TCP port that another local user could reach.
        self.manager.transport = "ipc"
        self.manager.ip = str(folder / ".kernel-ipc")
        self.manager.start_kernel(cwd=str(folder), env=_kernel_env(folder, self.run_id),
                                  extra_arguments=["--HistoryManager.enabled=False"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.manager.provisioner.process.pid
        if memory_mb and hasattr(__import__("resource"), "prlimit"):
            import resource

            limit = memory_mb * 1024 * 1024
            try:
                resource.prlimit(self.pid, resource.RLIMIT_AS, (limit, limit))
                resource.prlimit(self.pid, resource.RLIMIT_CORE, (0, 0))
            except (OSError, ValueError):
                pass
        self.client = self.manager.client()
        self.client.start_channels(iopub=False, stdin=False, hb=False, control=False)

    def request(self, code: str, *, silent: bool = False,
                user_expressions: dict[str, str] | None = None) -> dict[str, Any]:
        msg_id = self.client.execute(code, silent=silent, store_history=not silent,
                                     user_expressions=user_expressions or {},
                                     allow_stdin=False, stop_on_error=False)
        return self._reply(msg_id)

    def ready(self) -> None:
        self._reply(self.client.kernel_info())

    def _reply(self, msg_id: str) -> dict[str, Any]:
        from queue import Empty

        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise _Deadline()
            try:
                reply = self.client.get_shell_msg(timeout=min(left, 0.5))
            except Empty:
                if not self.manager.is_alive():
                    raise _Died() from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply["content"]

    def close(self) -> None:
        try:
            self.client.stop_channels()
        finally:
            try:
                self.manager.shutdown_kernel(now=True)
            except Exception:  # a kernel already gone: the process group is killed below
                pass
            _kill_leftovers(self.run_id, self.pid, self.folder)


def _capture(kernel: _Kernel, items: list[dict[str, Any]], calls: dict[str, list]) -> dict[str, Any]:
    """The values of the items' variables, as data, or {} when the kernel gave nothing usable."""
    wanted = {info["id"]: info["variable"] for info in items}
    name = f"_tipcourse_capture_{uuid.uuid4().hex}"
    code = (f"{ENCODER}\nglobals()[{name!r}] = __tipcourse_encode__({wanted!r}, "
            f"{ {key: calls[key] for key in wanted if key in calls}!r})\n"
            "del __tipcourse_encode__")
    reply = kernel.request(code, silent=True,
                           user_expressions={"found": f"globals().pop({name!r}, '')"})
    found = reply.get("user_expressions", {}).get("found", {})
    text = found.get("data", {}).get("text/plain", "") if found.get("status") == "ok" else ""
    if not isinstance(text, str) or len(text) > MAX_PAYLOAD_CHARS + 2:
        return {}
    try:
        payload = json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _cell_items(cell: Any, by_id: dict[str, dict[str, Any]], learner: dict[str, Any]) -> list[dict]:
    meta = cell.get("metadata", {}).get("tipcourse", {})
    if not isinstance(meta, dict):
        return []
    if meta.get("role") == "learner":
        return [learner]
    if meta.get("role") != "answer":
        return []
    item_id = meta.get("exercise") or meta.get("question")
    return [by_id[item_id]] if isinstance(item_id, str) and item_id in by_id else []


def grade_one(path: Path, key: Key | None, timeout: float = DEFAULT_TIMEOUT,
              memory_mb: int = DEFAULT_MEMORY_MB, name: str | None = None) -> Result:
    """Grade one submission; never raises for anything in the submission."""
    name = name or str(path)
    notebook, why = _read(path)
    if notebook is None:
        return Result(name, "invalid", detail=why)
    assignment = notebook.metadata.get("tipcourse", {})
    assignment = assignment.get("assignment", {}) if isinstance(assignment, dict) else {}
    items = key.items_for(path.name, assignment) if key else _items_from_metadata(
        assignment.get("items") if isinstance(assignment, dict) else None)
    if not items:
        return Result(name, "invalid", detail=message("grade.detail.no_items"))
    result = Result(name, "ok", items=items)
    calls = {info["id"]: [list(args) for args in _bank_item(info)._calls]
             for info in items if info["kind"] == "exercise" and _bank_item(info)._calls}
    by_id = {info["id"]: info for info in items}
    learner = {"id": LEARNER, "variable": LEARNER}
    captured: dict[str, Any] = {}
    errors: list[str] = []
    start = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="tipcourse-grade-"))
    kernel = None
    try:
        for cache in _font_cache():
            (folder / ".matplotlib").mkdir(exist_ok=True)
            shutil.copy(cache, folder / ".matplotlib" / cache.name)
        kernel = _Kernel(folder, start + timeout, memory_mb)
        kernel.ready()
        for number, cell in enumerate(notebook.cells, 1):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            reply = kernel.request(cell.source)
            if reply.get("status") == "error" and len(errors) < 3:
                errors.append(message("grade.detail.cell_error", cell=number,
                                      error=_one_line(reply.get("ename", ""), 40)))
            wanted = _cell_items(cell, by_id, learner)
            if wanted:
                captured.update(_capture(kernel, wanted, calls))
        rest = [info for info in [*items, learner] if info["id"] not in captured]
        if rest:
            captured.update(_capture(kernel, rest, calls))
        if errors:
            result.status, result.detail = "error", "; ".join(errors)
    except _Deadline:
        result.status = "timeout"
        result.detail = message("grade.detail.timeout", seconds=f"{timeout:g}")
    except _Died:
        result.status = "error"
        result.detail = message("grade.detail.died", memory=memory_mb)
    except Exception as error:  # the kernel could not start or talk: this row only
        result.status = "error"
        result.detail = message("grade.detail.kernel_failed", error=_one_line(error, 80))
    finally:
        if kernel is not None:
            kernel.close()
        shutil.rmtree(folder, ignore_errors=True)
    _score(result, captured)
    return result


def _score(result: Result, captured: dict[str, Any]) -> None:
    """Check each captured value with the grader's own bank."""
    learner = captured.get(LEARNER)
    if isinstance(learner, str):
        result.learner = _one_line("".join(char for char in learner if char.isprintable()), 80)
    for info in result.items:
        item = _bank_item(info)
        try:
            value = decode(captured[info["id"]]) if info["id"] in captured else Missing()
        except Exception:  # a payload the grader cannot rebuild is an unusable answer
            value = Unreadable("value")
        if isinstance(value, Missing):
            value = ...
        if info.get("options"):
            value = as_lettered_now(item, info["options"], value)
        try:
            result.outcomes[info["id"]] = item.evaluate(value)
        except Exception as error:  # the bank's own reference failing: no points, said so
            from . import outcome

            result.outcomes[info["id"]] = outcome.invalid(_one_line(error, 80))


def as_lettered_now(question: Any, shown: list[str], value: Any) -> Any:
    """A choice answer given against the handout's options (``shown``, their texts in order),
    in the letters the bank uses now; letters whose option text is gone stay as they are."""
    now = {option.text: option.key for option in question.options}
    if list(now) == list(shown):
        return value

    def letter(given: Any) -> Any:
        if isinstance(given, str) and len(given.strip().strip("()[].").strip()) == 1:
            position = ord(given.strip().strip("()[].").strip().lower()) - ord("a")
            if 0 <= position < len(shown) and shown[position] in now:
                return now[shown[position]]
        return given

    if isinstance(value, str) and question.type != "single":
        value = [part for part in re.split(r"[\s,;]+", value.strip()) if part]
    if isinstance(value, (list, tuple, set)):
        return type(value)(letter(given) for given in value)
    return letter(value)


# -- many submissions ---------------------------------------------------------------------------


def _progress(done: int, total: int, stream: Any) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "█" * filled + "·" * (width - filled)
    stream.write("\r" + message("grade.progress", bar=bar, done=done, total=total))
    if done == total:
        stream.write("\n")
    stream.flush()


def grade(submissions: list[Path], key: Key | None, jobs: int | None = None,
          timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
          progress: Any = None) -> list[Result]:
    """Grade every submission, ``jobs`` at a time; rows come back in the order given."""
    from .exercises import exercises
    from .questions import questions

    questions()
    for item in exercises():
        if key is None or any(item.id == info["id"] for entries in key.notebooks.values()
                              for info in entries):
            item.expected()  # every reference is computed here, once, before any kernel starts
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[Result | None] = [None] * len(submissions)
    names = [str(path) for path in submissions]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_one, path, key, timeout, memory_mb, names[index]): index
                   for index, path in enumerate(submissions)}
        for done, future in enumerate(as_completed(futures), 1):
            index = futures[future]
            try:
                results[index] = future.result()
            except Exception as error:  # a bug in the grader must not stop the batch either
                results[index] = Result(names[index], "error",
                                        detail=message("grade.detail.kernel_failed",
                                                       error=_one_line(error, 80)))
            if progress is not None:
                _progress(done, len(submissions), progress)
    return [result for result in results if result is not None]


def _cell_text(value: str) -> str:
    """A CSV field that no spreadsheet runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _number(value: float) -> str:
    return f"{value:g}"


def write_gradebook(results: list[Result], out: Path) -> Path:
    """The gradebook: one row per submission, one column per item."""
    item_ids: list[str] = []
    for result in results:
        item_ids += [info["id"] for info in result.items if info["id"] not in item_ids]
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS + item_ids)
        for result in results:
            points = result.points
            writer.writerow([_cell_text(result.submission), _cell_text(result.learner),
                             result.status, _number(result.score), _number(result.max_score),
                             _cell_text(result.detail)]
                            + [_number(points[item]) if item in points else "" for item in item_ids])
    return out


def feedback_markdown(result: Result) -> str:
    """What was right and wrong, with the first hint for what was not right; never the answer."""
    from .outcome import label

    lines = [f"# {message('grade.feedback.title', submission=Path(result.submission).name)}", ""]
    if result.learner:
        lines.append(f"- {message('grade.feedback.learner', learner=result.learner)}")
    lines.append(f"- {message('grade.feedback.status', status=message('grade.status.' + result.status))}")
    lines.append(f"- {message('grade.feedback.score', score=_number(result.score), max_score=_number(result.max_score))}")
    if result.detail:
        lines.append(f"- {message('grade.feedback.detail', detail=result.detail)}")
    lines.append("")
    points = result.points
    for info in result.items:
        outcome = result.outcomes.get(info["id"])
        lines.append(f"## {info['id']} — {_number(points[info['id']])} / {_number(info['points'])}")
        lines.append("")
        if outcome is None:
            lines.append(message("grade.feedback.not_run"))
        elif outcome.status == "correct":
            lines.append(f"**{label(outcome)}**")
        else:
            lines.append(f"**{label(outcome)}**: {_one_line(outcome.message, 600)}")
            hints = _bank_item(info).hints
            if hints:
                lines += ["", message("grade.feedback.hint", hint=" ".join(hints[0].split()))]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_feedback(results: list[Result], folder: Path) -> list[Path]:
    """One Markdown feedback file per submission, named after it (made unique when needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for result in results:
        stem = re.sub(r"[^\w.-]+", "_", Path(result.submission).stem) or "submission"
        name, number = stem, 2
        while name in used:
            name, number = f"{stem}-{number}", number + 1
        used.add(name)
        path = folder / f"{name}.md"
        path.write_text(feedback_markdown(result), "utf-8")
        written.append(path)
    return written


# -- the command line ---------------------------------------------------------------------------


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Register ``grade`` on an argparse subparsers object."""
    parser = commands.add_parser("grade", help=message("grade.help"),
                                 description=message("grade.description"))
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help=message("grade.submissions_help"))
    parser.add_argument("--out", required=True, metavar="CSV", help=message("grade.out_help"))
    parser.add_argument("--assignment", metavar="DIR", help=message("grade.assignment_help"))
    parser.add_argument("--feedback", metavar="DIR", help=message("grade.feedback_help"))
    parser.add_argument("--jobs", type=int, metavar="N", help=message("grade.jobs_help"))
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=message("grade.timeout_help"))
    parser.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, metavar="MB",
                        help=message("grade.memory_help"))
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, extra: list[str] | None = None) -> int:
    """The handler of ``tipcourse grade``."""
    key = None
    if args.assignment:
        try:
            key = Key.from_manifest(Path(args.assignment))
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(message("grade.bad_assignment", path=args.assignment, error=error), file=sys.stderr)
            return 2
    out = Path(args.out)
    results = grade([Path(path) for path in args.submissions], key, args.jobs, args.timeout,
                    args.memory, progress=sys.stderr)
    write_gradebook(results, out)
    feedback = Path(args.feedback) if args.feedback else out.with_name(out.stem + "-feedback")
    write_feedback(results, feedback)
    counts = {status: sum(result.status == status for result in results)
              for status in ("ok", "error", "timeout", "invalid")}
    print(message("grade.done", count=len(results), gradebook=out, feedback=feedback, **counts))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``grade`` alone, as ``tipcourse grade`` would."""
    parser = argparse.ArgumentParser(prog="tipcourse")
    commands = parser.add_subparsers(dest="command")
    add_parser(commands)
    args = parser.parse_args(["grade", *(argv or [])])
    return args.run(args)
