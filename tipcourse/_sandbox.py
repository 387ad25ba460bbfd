"""The grader's sandbox: one fresh kernel per submission, and answers brought out as plain data.

Each submission runs in its own kernel, started in its own temporary folder (the kernel's working
directory, HOME, TMPDIR and TIPCOURSE_HOME), with a scrubbed environment, a memory limit
(``RLIMIT_AS``) and one wall-clock deadline for the whole notebook. The grader sends the code
cells one by one; the notebook file is never copied into the kernel's folder.

How answers get out of the kernel: right after an answer cell runs, the grader sends its own
silent request, a snippet (:data:`ENCODER`) that encodes the answer variables' values as plain
JSON (numbers, text, lists, tables as columns; a function is called with the bank's argument
lists in the kernel and only its results travel) and hands the JSON back as a *user expression*
in the shell reply, not as printed output. :func:`decode` rebuilds plain data from it in the
grader's process. Pickle is never used: unpickling would run the notebook's code in the grader.
"""

from __future__ import annotations

import ast
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from ._bwrap import NOBODY, jailed_command
from .banks import GRADING
from .messages import message

__all__ = ["Deadline", "Died", "Kernel", "Missing", "Unreadable", "capture", "decode", "font_cache"]

MAX_PAYLOAD_CHARS = 20 * 1024 * 1024
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
            if kind is str and len(value) > 100000:
                return {"__t": "other", "type": "long text"}
            return value
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
            pairs = list(value.items())[:100000]
            return {"__t": "dict", "v": [[enc(k, depth + 1), enc(v, depth + 1)] for k, v in pairs]}
        if module.startswith("numpy") and hasattr(value, "dtype"):
            if getattr(value, "ndim", 0) == 0:
                return {"__t": "npscalar", "dtype": str(value.dtype),
                        "v": enc(value.item(), depth + 1)}
            if value.size > 1000000:
                return {"__t": "other", "type": "large array"}
            return {"__t": "ndarray", "dtype": str(value.dtype),
                    "v": enc(value.tolist(), depth + 1)}
        if module.startswith("pandas"):
            name = kind.__name__
            if name in ("Index", "RangeIndex", "MultiIndex", "DatetimeIndex", "CategoricalIndex"):
                return {"__t": "index", "multi": name == "MultiIndex",
                        "names": enc(list(value.names), depth + 1),
                        "dtype": str(value.dtype), "v": enc([item for item in value], depth + 1)}
            if name == "Series" and len(value) <= 1000000:
                return {"__t": "series", "name": enc(value.name, depth + 1),
                        "dtype": str(value.dtype),
                        "index": enc(value.index, depth + 1), "v": enc(value.tolist(), depth + 1)}
            if name == "DataFrame" and value.size <= 1000000:
                return {"__t": "dataframe", "columns": enc(value.columns, depth + 1),
                        "index": enc(value.index, depth + 1),
                        "dtypes": [str(dtype) for dtype in value.dtypes],
                        "v": [enc(value.iloc[:, position].tolist(), depth + 1)
                              for position in range(value.shape[1])]}
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
    values: Any = data.get("v")
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

        series = pandas.Series(decode(values), index=decode(data["index"]),
                               name=decode(data["name"]), dtype=_dtype(data["dtype"]))
        return series
    if tag == "dataframe":
        import pandas

        columns = decode(data["columns"])
        frame = pandas.DataFrame(
            {position: decode(column) for position, column in enumerate(values)},
            index=decode(data["index"]),
        )
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



# -- the kernel -------------------------------------------------------------------------------


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
        MARKER: run_id, GRADING: "1",
    }


def font_cache() -> list[Path]:
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


class Deadline(Exception):
    """The submission's time ran out."""


class Died(Exception):
    """The kernel died (often: it passed the memory limit)."""


class Kernel:
    """One sandboxed kernel, driven directly over its shell channel (outputs are never read)."""

    def __init__(self, folder: Path, deadline: float, memory_mb: int,
                 sandbox: str = "none") -> None:
        from jupyter_client import KernelManager

        class Jailed(KernelManager):
            """A kernel manager whose kernel command runs inside ``prefix``."""

            prefix: list[str] = []

            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                return [*self.prefix, *super().format_kernel_cmd(extra_arguments)]

        self.run_id = uuid.uuid4().hex
        self.folder = folder
        self.deadline = deadline
        self.manager = Jailed(kernel_name="python3")
        self.manager.connection_file = str(folder / ".kernel.json")
        # Sockets as files in the folder: no TCP port that another local user could reach.
        self.manager.transport = "ipc"
        self.manager.ip = str(folder / ".kernel-ipc")
        limit = memory_mb * 1024 * 1024 if memory_mb else 0
        if sandbox == "bwrap":
            self.manager.prefix = jailed_command(folder, limit)
            self.manager.write_connection_file()
            if os.geteuid() == 0:  # the kernel runs as nobody: its folder must be its own
                for path in [folder, *folder.rglob("*")]:
                    os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
        self.manager.start_kernel(cwd=str(folder), env=_kernel_env(folder, self.run_id),
                                  extra_arguments=["--HistoryManager.enabled=False"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        provisioner: Any = self.manager.provisioner  # a LocalProvisioner: it holds the Popen
        self.pid = provisioner.process.pid
        if sandbox != "bwrap" and limit and hasattr(__import__("resource"), "prlimit"):
            import resource

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
                raise Deadline()
            try:
                reply = self.client.get_shell_msg(timeout=min(left, 0.5))
            except Empty:
                if not self.manager.is_alive():
                    raise Died() from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply["content"]

    def close(self) -> None:
        namespaces = _namespaces_below(self.pid)  # the sandbox's, read while bwrap still runs
        try:
            self.client.stop_channels()
        finally:
            try:
                self.manager.shutdown_kernel(now=True)
            except Exception:  # a kernel already gone: the process group is killed below
                pass
            _kill_leftovers(self.run_id, self.pid, self.folder)
            _empty(namespaces)


def _namespaces_below(pid: int) -> set[str]:
    """The PID namespaces of ``pid``'s children that are not ``pid``'s own: a sandbox's."""
    own = _namespace(pid)
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        found |= {_namespace(int(child)) for child in children}
    return {name for name in found if name and name != own}


def _namespace(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return ""


def _running(entry: Path) -> bool:
    """Whether the process of a /proc entry still runs (a zombie only waits to be reaped)."""
    try:
        return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def _empty(namespaces: set[str], wait: float = 5.0) -> None:
    """Kill every process left in ``namespaces`` and wait until none is left: when grading of a
    submission ends, nothing it started runs on (the namespace's end does it; this makes sure)."""
    deadline = time.monotonic() + wait
    while namespaces:
        left = [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()
                and _namespace(int(entry.name)) in namespaces and _running(entry)]
        if not left or time.monotonic() > deadline:
            return
        for entry in left:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue
        time.sleep(0.02)


def capture(kernel: Kernel, items: list[dict[str, Any]], calls: dict[str, list]) -> dict[str, Any]:
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
