"""``tipcourse grade --dask``: a Dask cluster started here on 127.0.0.1 gives local grading's rows.

The cluster (a scheduler and two worker processes) serves the module and is stopped by its
fixture's finalizer, even when a test fails; the finalizer then checks that every process it
started is gone. Without ``distributed`` these tests are skipped with the reason, and fail under
CI=true (``python3 run.py test`` installs it with the ``test`` extra).
"""

from __future__ import annotations

import csv
import importlib.util
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from test_grade import ITEMS, LOOP, WRONG, answers, cell, notebook

import tipcourse
from tipcourse import cli
from tipcourse.instructor._assign import assign
from tipcourse.instructor._cells import ManifestEntry
from tipcourse.instructor.grading import _cluster as on_dask
from tipcourse.report.messages import message

TIMEOUT = "20"  # seconds per notebook: the endless loop below uses all of it, twice


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def need_distributed() -> None:
    """Skip without distributed, saying how to install it; under CI=true, fail instead."""
    if importlib.util.find_spec("distributed") is None:
        text = (
            "distributed is not installed, so grading on Dask is not tested: "
            'pip install -e ".[test]"'
        )
        if in_ci():
            pytest.fail(f"{text} (CI=true: a failure, not a skip)", pytrace=False)
        pytest.skip(text)


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] != "Z":  # a zombie has exited already
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def tracker(pid: int) -> bool:
    """Whether ``pid`` is multiprocessing's resource tracker, which lives as long as this process."""
    try:
        return b"multiprocessing.resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            living.add(pid)
    return living


def stop_all(pids: set[int]) -> set[int]:
    """Wait for ``pids`` to end (up to a minute); kill what is left; return what was left."""
    deadline = time.monotonic() + 60
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = alive(pids)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


@pytest.fixture(scope="module")
def dask_cluster(request):
    """A scheduler and two worker processes on 127.0.0.1, all stopped at the end of the module."""
    need_distributed()
    from distributed import Client, LocalCluster

    before = descendants(os.getpid())
    opened: list = []

    def stop():
        started = {pid for pid in descendants(os.getpid()) - before if not tracker(pid)}
        for thing in reversed(opened):
            thing.close()
        left = stop_all(started)
        assert not left, f"processes the cluster started were still running: {sorted(left)}"

    request.addfinalizer(stop)
    cluster = LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    opened.append(cluster)
    client = Client(cluster, set_as_default=False)
    opened.append(client)
    client.wait_for_workers(2)
    workers = client.run(os.getpid)
    assert len(set(workers.values()) - {os.getpid()}) == 2  # processes of their own
    return {
        "address": cluster.scheduler_address,
        "client": client,
        "workers": workers,
        "folders": set(client.run(os.getcwd).values()),
    }


def write_submissions(folder: Path) -> list[str]:
    """A right, a wrong, a broken and an endless notebook; their file names."""
    folder.mkdir()
    cases = {
        "good": notebook(answers()),
        "wrong": notebook(answers(**WRONG)),
        "malformed": '{"cells": [',
        "loop": notebook([*answers()[:3], cell(LOOP), *answers()[3:]]),
    }
    for name, text in cases.items():
        (folder / f"{name}.ipynb").write_text(text, "utf-8")
    return [f"{name}.ipynb" for name in cases]


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(open(path, encoding="utf-8")))


def files(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text("utf-8") for path in sorted(folder.iterdir())}


@pytest.mark.slow
def test_dask_gives_the_rows_and_feedback_of_local_grading(
    dask_cluster, tmp_path, monkeypatch, capsys
):
    """Right, wrong, broken and timed-out notebooks: the same gradebook and feedback both ways."""
    names = write_submissions(tmp_path / "submissions")
    assign(tmp_path / "hw", items=ITEMS)
    # Relative paths from here: a worker, working elsewhere, could read neither the notebooks
    # nor the key, so they must travel with the tasks.
    monkeypatch.chdir(tmp_path / "submissions")
    assert str(tmp_path) not in " ".join(dask_cluster["folders"])
    common = ["grade", *names, "--assignment", "../hw", "--timeout", TIMEOUT, "--memory", "2500"]
    assert cli.main([*common, "--out", "../local.csv", "--jobs", "2"]) == 0
    capsys.readouterr()
    assert cli.main([*common, "--out", "../dask.csv", "--dask", dask_cluster["address"]]) == 0
    assert capsys.readouterr().err.rstrip().endswith("4/4")  # the progress bar, as locally
    local, remote = rows(tmp_path / "local.csv"), rows(tmp_path / "dask.csv")
    assert remote == local
    summary = [(row["submission"], row["status"], row["score"]) for row in remote]
    assert summary == [
        ("good.ipynb", "ok", "5"),
        ("wrong.ipynb", "ok", "0"),
        ("malformed.ipynb", "invalid", "0"),
        ("loop.ipynb", "timeout", "1"),
    ]
    assert [row[item] for item in ITEMS for row in remote[:1]] == ["1", "1", "1", "2"]
    assert files(tmp_path / "dask-feedback") == files(tmp_path / "local-feedback")


def test_a_worker_with_another_tipcourse_stops_before_any_gradebook(
    dask_cluster, tmp_path, monkeypatch, capsys
):
    """A worker whose tipcourse is not the grader's version is named; nothing is written."""
    (tmp_path / "good.ipynb").write_text(notebook(answers()), "utf-8")
    monkeypatch.setattr(on_dask, "__version__", "0.0.0-other")
    out = tmp_path / "gradebook.csv"
    code = cli.main(
        [
            "grade",
            str(tmp_path / "good.ipynb"),
            "--out",
            str(out),
            "--dask",
            dask_cluster["address"],
        ]
    )
    error = capsys.readouterr().err
    assert code == 1
    assert (
        f"has tipcourse {tipcourse.__version__}, but this grader has tipcourse 0.0.0-other" in error
        and "Install tipcourse 0.0.0-other" in error
    )
    assert any(worker in error for worker in dask_cluster["workers"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good.ipynb"]


def test_a_connected_client_is_used_and_left_open(dask_cluster, tmp_path):
    """grade_on_dask takes a Client (as Dask Gateway gives one) and leaves it open; a file the
    grader cannot read is graded here, as locally, and a broken one on a worker."""
    from tipcourse.instructor.grading._grade import grade

    (tmp_path / "broken.ipynb").write_text("[1, 2, 3]", "utf-8")
    paths = [tmp_path / "missing.ipynb", tmp_path / "broken.ipynb"]
    client = dask_cluster["client"]
    remote = on_dask.grade_on_dask(paths, None, client)
    assert [(r.submission, r.status, r.detail) for r in remote] == [
        (r.submission, r.status, r.detail) for r in grade(paths, None, jobs=1)
    ]
    assert [r.status for r in remote] == ["invalid", "invalid"]
    assert client.status == "running" and client.submit(len, "four").result() == 4


def test_an_address_that_does_not_answer_writes_nothing(tmp_path, capsys):
    """A free port nobody listens on: exit 2, the address and what to do; no gradebook."""
    need_distributed()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "good.ipynb").write_text(notebook(answers()), "utf-8")
    address = f"tcp://127.0.0.1:{port}"
    code = cli.main(
        ["grade", str(tmp_path / "good.ipynb"), "--out", str(tmp_path / "g.csv"), "--dask", address]
    )
    error = capsys.readouterr().err
    assert code == 2
    assert f"No Dask scheduler answered at {address} within 5 seconds" in error
    assert "Check the address" in error and "Nothing was graded or written." in error
    assert "Traceback" not in error
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good.ipynb"]


def test_an_address_that_is_not_one_says_so(tmp_path, capsys):
    """A malformed address gets the same message, naming it, and exit 2."""
    need_distributed()
    code = cli.main(
        ["grade", "missing.ipynb", "--out", str(tmp_path / "g.csv"), "--dask", "http//127.0.0.1"]
    )
    error = capsys.readouterr().err
    assert code == 2 and "No Dask scheduler answered at http//127.0.0.1" in error
    assert list(tmp_path.iterdir()) == []


def test_without_distributed_one_line_says_what_to_install(tmp_path, monkeypatch, capsys):
    """No distributed: one line with pip install "tipcourse[dask]", exit 2, nothing written."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # its import now fails
    (tmp_path / "good.ipynb").write_text(notebook(answers()), "utf-8")
    code = cli.main(
        [
            "grade",
            str(tmp_path / "good.ipynb"),
            "--out",
            str(tmp_path / "g.csv"),
            "--dask",
            "tcp://127.0.0.1:8786",
        ]
    )
    error = capsys.readouterr().err
    assert code == 2
    assert error.splitlines() == [message("grade.dask.missing")]
    assert 'pip install "tipcourse[dask]"' in error
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good.ipynb"]


def test_a_worker_prepares_the_references_once_per_key(monkeypatch):
    """The bank's references are computed once per worker process and key, not once per task."""
    calls = []
    monkeypatch.setattr(on_dask, "_PREPARED", set())
    monkeypatch.setattr(on_dask, "prepare", calls.append)
    entries = [
        ManifestEntry(item, "exercise", 1) for item in ("prosecution.e01", "prosecution.e02")
    ]
    key = on_dask.Key({"hw.ipynb": [entries[0], ManifestEntry("prosecution.q01", "question", 1)]})
    other = on_dask.Key({"hw2.ipynb": [entries[1]]})
    for _ in range(3):
        on_dask._prepared(key)
        on_dask._prepared(other)
    assert calls == [key, other]


def test_the_address_is_tried_from_inside_a_running_event_loop(dask_cluster):
    """In a notebook an event loop is running: trying the address must still work (it once
    failed with "asyncio.run() cannot be called from a running event loop")."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside() -> bool:
        on_dask._connect(dask_cluster["address"])[0].close()
        return True

    # In a thread of its own, so that whatever loop another test left in this thread's state
    # cannot stop asyncio.run here: inside it, a loop runs while _connect is called.
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, inside()).result(timeout=60)


@pytest.mark.parametrize("asked", ["auto", "bwrap"])
def test_a_worker_that_cannot_sandbox_returns_rows_that_say_why(monkeypatch, asked):
    """The worker decides (not the client): without bubblewrap it grades nothing unsandboxed
    unless --sandbox none was given, and its row says why."""
    monkeypatch.setattr(on_dask, "sandbox_problem", lambda: "bubblewrap is not installed (test)")
    monkeypatch.setattr(on_dask, "grade_one", lambda *args: pytest.fail("graded unsandboxed"))
    row = on_dask.grade_submission(
        tipcourse.__version__, "a.ipynb", notebook(answers()).encode(), None, 20, 1024, "en", asked
    )
    assert row["status"] == "error" and row["items"] == []
    assert "cannot sandbox a kernel (bubblewrap is not installed (test))" in row["detail"]
    assert "--sandbox none" in row["detail"]


def test_only_an_explicit_none_grades_unsandboxed_on_a_worker(monkeypatch):
    monkeypatch.setattr(on_dask, "sandbox_problem", lambda: "bubblewrap is not installed (test)")
    seen = []
    monkeypatch.setattr(
        on_dask, "grade_one", lambda *args: seen.append(args[-1]) or on_dask.Result(args[-2], "ok")
    )
    row = on_dask.grade_submission(
        tipcourse.__version__, "a.ipynb", b"{}", None, 20, 1024, "en", "none"
    )
    assert row["status"] == "ok" and seen == ["none"]
