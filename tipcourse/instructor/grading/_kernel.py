"""The grader's sandbox: one fresh kernel per submission, and answers brought out as plain data.

Each submission runs in its own kernel, started in its own temporary folder (the kernel's working
directory, HOME, TMPDIR and TIPCOURSE_HOME), with a scrubbed environment, a memory limit
(``RLIMIT_AS``) and one wall-clock deadline for the whole notebook. The grader sends the code
cells one by one; the notebook file is never copied into the kernel's folder.

How answers get out of the kernel: right after an answer cell runs, the grader sends its own silent
request, the read-out (:mod:`tipcourse.instructor.grading._readout`, sent as its source) that
encodes the answer variables' values as plain JSON (numbers, text, lists, tables as columns; a
function is called with the bank's argument lists in the kernel and only its results travel) and
hands the JSON back as a *user expression* in the shell reply, not as printed output. A read-out
over MAX_PAYLOAD_CHARS is an over-size answer; :func:`tipcourse.instructor.grading._decode.decode`
rebuilds plain data from the JSON in the grader's process. Pickle is never used: unpickling would
run the notebook's code in the grader.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import site
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from ...engine.banks import GRADING
from .._cells import ManifestEntry
from . import _readout
from ._bwrap import NOBODY, PROCESSES, jailed_command, joining, package_folder
from ._cgroup import KernelCgroup
from ._decode import Missing, Unreadable, decode
from ._folder import SubmissionFolder, font_cache

__all__ = [
    "MAX_MESSAGE_BYTES",
    "receive_bounded",
    "Deadline",
    "Died",
    "Kernel",
    "Missing",
    "Oversize",
    "Unreadable",
    "capture",
    "decode",
    "font_cache",
]

MAX_PAYLOAD_CHARS = 8 * 1024 * 1024
MARKER = "TIPCOURSE_GRADE_RUN"
#: The most one message from a kernel may weigh (bytes per frame): a larger one is never read.
MAX_MESSAGE_BYTES = 48 * 1024 * 1024

# : The read-out the grader sends into each kernel: the source of
# :mod:`tipcourse.instructor.grading._readout`.
READOUT = Path(_readout.__file__).read_text("utf-8")
#: The most containers (lists, dicts) a read-out may hold: each costs the grader memory.
MAX_CONTAINERS = 300_000


# -- the kernel -------------------------------------------------------------------------------


def _kernel_env(folder: SubmissionFolder, run_id: str) -> dict[str, str]:
    """A scrubbed environment: nothing of the grader's, everything pointing into ``folder``."""
    bin_dir = os.path.dirname(sys.executable)
    # The kernel imports the tipcourse that grades (not another one its site-packages names).
    source = str(package_folder().parent)
    path = {} if source in site.getsitepackages() else {"PYTHONPATH": source}
    return {
        **path,
        "PATH": os.pathsep.join([bin_dir, "/usr/local/bin", "/usr/bin", "/bin"]),
        **folder.environment(),
        "TIPCOURSE_LANG": "en",
        "TIPCOURSE_LEARNER": "grader",
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        MARKER: run_id,
        GRADING: "1",
    }


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


class Oversize(Exception):
    """The kernel sent a message over MAX_MESSAGE_BYTES: dropped unread, the connection cut."""


def receive_bounded(socket: Any, session: Any, timeout: float, cap: int) -> dict[str, Any]:
    """The next message on ``socket``, its frames added up as they arrive: a message whose
    frames together pass ``cap`` bytes is read to its end and dropped frame by frame (never held
    whole) and raises Oversize. ``MAXMSGSIZE`` bounds each frame; this bounds their sum, which a
    kernel could otherwise grow with thousands of buffers. Raises queue.Empty after ``timeout``.
    """
    from queue import Empty

    if not socket.poll(int(timeout * 1000)):
        raise Empty
    frames, total = [], 0
    while True:
        frame = socket.recv(copy=False)
        total += len(frame.buffer)
        if total <= cap:
            frames.append(frame)
        else:
            frames.clear()  # drop what was kept: the rest is read only to be thrown away
        if not frame.more:
            break
    if total > cap:
        raise Oversize()
    _, message_frames = session.feed_identities(frames, copy=False)
    return dict(session.deserialize(message_frames, content=True, copy=False))


class Kernel:
    """One sandboxed kernel, driven directly over its shell channel (outputs are never read).

    A context manager: whatever step of starting it fails, and however grading ends, the
    kernel and every process it started are stopped on the way out.
    """

    def __init__(
        self, folder: SubmissionFolder, deadline: float, memory_mb: int, sandbox: str = "none"
    ) -> None:
        self.run_id = uuid.uuid4().hex
        self.folder = folder
        self.deadline = deadline
        self.pid: int | None = None
        self.manager: Any = None
        self.client: Any = None
        self._monitor: Any = None
        self.cgroup: KernelCgroup | None = None
        try:
            self._start(memory_mb * 1024 * 1024 if memory_mb else 0, sandbox)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self, limit: int, sandbox: str) -> None:
        import zmq
        from jupyter_client import KernelManager

        class Jailed(KernelManager):
            """A kernel manager whose kernel command runs inside ``prefix``."""

            prefix: list[str] = []

            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                return [*self.prefix, *super().format_kernel_cmd(extra_arguments)]

        self.manager = Jailed(kernel_name="python3")
        self.manager.connection_file = str(self.folder.connection_file)
        # Sockets as files in the folder: no TCP port that another local user could reach.
        self.manager.transport = "ipc"
        self.manager.ip = str(self.folder.sockets)
        # The kernel and all its children: one memory and process limit, where the host allows.
        self.cgroup = KernelCgroup.create(self.run_id, limit, PROCESSES)
        procs = self.cgroup.procs if self.cgroup else None
        if sandbox == "bwrap":
            self.manager.prefix = jailed_command(self.folder.root, limit, procs)
            self.manager.write_connection_file()
            if os.geteuid() == 0:  # the kernel runs as nobody: its folder must be its own
                self.folder.give_to(NOBODY, NOBODY)
        else:
            self.manager.prefix = joining(procs, None)
        self.manager.start_kernel(
            cwd=str(self.folder.root),
            env=_kernel_env(self.folder, self.run_id),
            extra_arguments=["--HistoryManager.enabled=False"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        provisioner: Any = self.manager.provisioner  # a LocalProvisioner: it holds the Popen
        self.pid = provisioner.process.pid
        if sandbox != "bwrap" and limit and hasattr(__import__("resource"), "prlimit"):
            import resource

            try:
                resource.prlimit(self.pid, resource.RLIMIT_AS, (limit, limit))
                resource.prlimit(self.pid, resource.RLIMIT_CORE, (0, 0))
            except (OSError, ValueError):
                pass
        # A context of our own, whose shell socket drops (never reads) an oversize message.
        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.client = self.manager.client(context=context)
        self.client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        self._monitor = self.client.shell_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)

    def request(
        self, code: str, *, silent: bool = False, user_expressions: dict[str, str] | None = None
    ) -> dict[str, Any]:
        msg_id = self.client.execute(
            code,
            silent=silent,
            store_history=not silent,
            user_expressions=user_expressions or {},
            allow_stdin=False,
            stop_on_error=False,
        )
        return self._reply(msg_id)

    def ready(self) -> None:
        self._reply(self.client.kernel_info())

    def _dropped(self) -> bool:
        """Whether the shell connection was cut: what a message over MAX_MESSAGE_BYTES does."""
        import zmq

        dropped = False
        while self._monitor.poll(0):
            self._monitor.recv_multipart(zmq.NOBLOCK)
            dropped = True
        return dropped

    def _reply(self, msg_id: str) -> dict[str, Any]:
        from queue import Empty

        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise Deadline()
            try:
                channel = self.client.shell_channel
                reply = receive_bounded(
                    channel.socket, channel.session, min(left, 0.25), MAX_MESSAGE_BYTES
                )
            except Empty:
                if not self.manager.is_alive():
                    raise Died() from None
                if self._dropped():
                    raise Oversize() from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply["content"]

    def close(self) -> None:
        """Stop the kernel and everything it started; safe after a partial start, and twice."""
        namespaces = _namespaces_below(self.pid) if self.pid else set()  # while bwrap runs
        try:
            if self._monitor is not None:
                self._monitor.close(linger=0)
            if self.client is not None:
                self.client.stop_channels()
                self.client.context.destroy(linger=0)
        finally:
            try:
                if self.manager is not None and self.manager.has_kernel:
                    self.manager.shutdown_kernel(now=True)
            except Exception:  # a kernel already gone: the process group is killed below
                pass
            _kill_leftovers(self.run_id, self.pid, self.folder.root)
            _empty(namespaces)
            if self.cgroup is not None:
                self.cgroup.remove()
                self.cgroup = None
            self.client = self._monitor = None
            self.pid = None


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
        left = [
            entry
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit()
            and _namespace(int(entry.name)) in namespaces
            and _running(entry)
        ]
        if not left or time.monotonic() > deadline:
            return
        for entry in left:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue
        time.sleep(0.02)


def capture(kernel: Kernel, items: list[ManifestEntry], calls: dict[str, list]) -> dict[str, Any]:
    """The values of the items' variables, as data, or {} when the kernel gave nothing usable;
    a read-out over the limits makes each of its items an "over-size answer"."""
    wanted = {info.id: info.variable for info in items}
    name = f"_tipcourse_capture_{uuid.uuid4().hex}"
    space = f"_tipcourse_readout_{uuid.uuid4().hex}"
    sent = {key: calls[key] for key in wanted if key in calls}
    code = (
        f"{space} = {{'__name__': 'tipcourse_readout'}}\n"
        f"exec({READOUT!r}, {space})\n"
        f"globals()[{name!r}] = {space}['encode_answers']({wanted!r}, {sent!r}, globals())\n"
        f"del {space}"
    )
    reply = kernel.request(
        code, silent=True, user_expressions={"found": f"globals().pop({name!r}, '')"}
    )
    found = reply.get("user_expressions", {}).get("found", {})
    text = found.get("data", {}).get("text/plain", "") if found.get("status") == "ok" else ""
    if not isinstance(text, str) or len(text) > 2 * MAX_PAYLOAD_CHARS + 2:
        return {item: {"__t": "other", "type": "over-size answer"} for item in wanted}
    if text.count("[") + text.count("{") > MAX_CONTAINERS:  # each costs the grader memory
        return {item: {"__t": "other", "type": "over-size answer"} for item in wanted}
    try:
        payload = json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return {}
    return payload if isinstance(payload, dict) else {}
