"""``tipcourse grade --dask``: the same grading as local grading, one Dask task per submission.

Each submission travels to a worker as bytes, with the key (the items of each notebook of the
assignment) and the grading settings, the sandbox as asked (``auto``, ``bwrap`` or ``none``): each
worker decides for itself whether it can sandbox, and a worker that cannot returns error rows that
say why; only ``--sandbox none``, given explicitly, grades unsandboxed on workers. The worker writes
the submission into a temporary folder of its own and grades it with
:func:`tipcourse.instructor.grading._grade.grade_one` — a fresh sandboxed kernel with the same
timeout, memory limit and clean environment as local grading — and sends the row back as plain data.
A worker therefore needs neither the instructor's files nor a shared disk, only tipcourse in the
grader's version and a Python kernel. ``distributed`` is an optional extra (``pip install
"tipcourse[dask]"``), imported only here and only when grading on a cluster.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ... import __version__
from ...engine.outcome import Outcome
from ...report._text import one_line
from ...report.messages import get_language, message, set_language
from .._cells import ManifestEntry
from ._bwrap import SANDBOXES, SandboxError, sandbox_problem
from ._grade import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    Key,
    Result,
    grade_one,
    prepare,
)
from ._submissions import read_submission

__all__ = ["CONNECT_TIMEOUT", "ClusterError", "grade_on_dask", "grade_submission"]

#: Seconds to wait for the scheduler to answer before giving up.
CONNECT_TIMEOUT = 5.0


class ClusterError(Exception):
    """The cluster cannot grade: no ``distributed``, no scheduler at the address, or workers
    without the grader's tipcourse. ``status`` is the exit status the command line gives."""

    def __init__(self, text: str, status: int) -> None:
        super().__init__(text)
        self.status = status


# -- on a worker ------------------------------------------------------------------------------

_PREPARED: set[tuple[str, ...] | None] = set()
_PREPARING = threading.Lock()


def _prepared(key: Key | None) -> None:
    """:func:`tipcourse.instructor.grading._grade.prepare` once per worker process and key, as local
    grading does
    once per run; the lock keeps the worker's threads from computing the same reference twice."""
    graded = (
        None
        if key is None
        else tuple(sorted({info.id for items in key.notebooks.values() for info in items}))
    )
    with _PREPARING:
        if graded not in _PREPARED:
            prepare(key)
            _PREPARED.add(graded)


def grade_submission(
    version: str,
    name: str,
    content: bytes,
    key: Key | None,
    timeout: float,
    memory_mb: int,
    language: str,
    sandbox: str = "auto",
) -> dict[str, Any]:
    """The Dask task: grade one submission (its file ``name`` and ``content``) on this worker.

    Returns the row as plain data (every field of the :class:`Result`, each outcome as its
    fields), or only this worker's version when it is not ``version``.
    """
    if version != __version__:
        from distributed import get_worker

        return {"version": __version__, "worker": get_worker().address}
    set_language(language)
    problem = sandbox_problem() if sandbox != "none" else ""
    if problem:  # never unsandboxed unless asked: the row says why
        return {
            "version": __version__,
            **asdict(
                Result(name, "error", detail=message("grade.dask.cannot_sandbox", problem=problem))
            ),
        }
    _prepared(key)
    folder = Path(tempfile.mkdtemp(prefix="tipcourse-submission-"))
    try:
        path = folder / (Path(name).name or "submission.ipynb")
        path.write_bytes(content)
        result = grade_one(
            path, key, timeout, memory_mb, name, "bwrap" if sandbox != "none" else "none"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"version": __version__, **asdict(result)}


# -- in the grader ----------------------------------------------------------------------------


def _row(data: dict[str, Any]) -> Result:
    """The :class:`Result` of a row a worker sent back."""
    if "status" not in data:
        raise ClusterError(
            message(
                "grade.dask.wrong_version",
                worker=data.get("worker", "?"),
                found=data.get("version", "?"),
                expected=__version__,
            ),
            1,
        )
    fields = {name: value for name, value in data.items() if name != "version"}
    fields["outcomes"] = {item: Outcome(**found) for item, found in data["outcomes"].items()}
    fields["items"] = [ManifestEntry.from_json(info) for info in data["items"]]
    return Result(**fields)


def _connect(scheduler: Any) -> tuple[Any, bool]:
    """A client of ``scheduler`` (an address, or a connected ``distributed.Client`` as it is),
    and whether it is ours to close."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(message("grade.dask.missing"), 2) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    import asyncio

    from distributed.comm import connect
    from distributed.security import Security

    async def probe() -> None:
        comm = await connect(
            scheduler, timeout=CONNECT_TIMEOUT, **Security().get_connection_args("client")
        )
        await comm.close()

    # A Client that fails to connect hangs in its own clean-up, so the address is tried first,
    # in a thread of its own: the caller may be inside a running event loop (a notebook, a test).
    try:
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(lambda: asyncio.run(probe())).result()
        return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False), True
    except Exception as error:  # a refused, silent, malformed or foreign address alike
        raise ClusterError(
            message(
                "grade.dask.no_answer",
                address=scheduler,
                seconds=f"{CONNECT_TIMEOUT:g}",
                error=one_line(error, 120),
            ),
            2,
        ) from None


def grade_on_dask(
    submissions: list[Path],
    key: Key | None,
    scheduler: Any,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: Callable[[int, int], None] | None = None,
    sandbox: str = "auto",
) -> list[Result]:
    """Grade every submission on the Dask cluster of ``scheduler`` (its address, or a connected
    ``distributed.Client``); rows come back in the order given, as local grading gives them.

    Raises :class:`ClusterError`, before any row exists, when the cluster cannot grade, and
    SandboxError for a ``sandbox`` that is not one of SANDBOXES.
    """
    if sandbox not in SANDBOXES:
        raise SandboxError(
            message("sandbox.unknown", sandbox=sandbox, choices=", ".join(SANDBOXES))
        )
    client, ours = _connect(scheduler)
    from distributed import as_completed

    names = [str(path) for path in submissions]
    results: list[Result | None] = [None] * len(submissions)
    futures = {}
    done = 0
    try:
        modified = {}
        for index, path in enumerate(submissions):
            submission = read_submission(path)
            modified[index] = submission.modified
            if submission.content is None:  # local grading reads nothing more of it either
                results[index] = Result(
                    names[index], "invalid", detail=submission.problem, modified=submission.modified
                )
                done += 1
                if progress is not None:
                    progress(done, len(submissions))
                continue
            future = client.submit(
                grade_submission,
                __version__,
                names[index],
                submission.content,
                key,
                timeout,
                memory_mb,
                get_language(),
                sandbox,
                pure=False,
            )
            futures[future] = index
        for future in as_completed(list(futures), loop=client.loop):
            index = futures[future]
            try:
                data = future.result()
            except Exception as error:  # the task failed (say, its worker was lost): this row
                results[index] = Result(
                    names[index],
                    "error",
                    detail=message("grade.detail.kernel_failed", error=one_line(error, 80)),
                )
            else:
                row = _row(data)
                row.modified = modified[index]  # of the submitted file, not the worker's copy
                results[index] = row
            done += 1
            if progress is not None:
                progress(done, len(submissions))
    except BaseException:  # nothing half-done: the tasks still waiting are withdrawn
        client.cancel(list(futures))
        raise
    finally:
        if ours:
            client.close()
    return [result for result in results if result is not None]
