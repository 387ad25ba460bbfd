"""``tipcourse grade --sandbox``: every submission in its own bubblewrap jail (tipcourse.instructor.grading._bwrap).

Hostile submissions, each written for the purpose, are graded in one batch in the sandbox and,
where the contrast proves the test can fail, once without it: a detached grandchild, reading
the key, another submission and a file in the instructor's home, a connection to a server the
test runs on 127.0.0.1, writing outside the sandbox's folder, and a fork bomb.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from test_grade import answers, cell, notebook

from tipcourse import cli
from tipcourse.instructor.grading import _bwrap, _cgroup
from tipcourse.instructor.grading._grade import grade

MARK = f"tipcourse-escape-{uuid.uuid4().hex}"


def need_bwrap() -> None:
    problem = _bwrap._problem()
    if problem:
        message = f"bubblewrap cannot sandbox here: {problem} (python3 run.py test installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def outcome(text: str) -> str:
    """A cell that tries ``text`` (code that raises when it is blocked) and records the result in
    the learner variable, which the grader reads out."""
    body = "\n".join("    " + line for line in text.strip().splitlines())
    return (
        f"try:\n{body}\n    learner = 'reached'\nexcept Exception as error:\n"
        "    learner = 'blocked: ' + type(error).__name__"
    )


ESCAPE = f"""
import os, sys
# Double fork, a new session, an empty environment and / as the working folder: the grandchild
# leaves no trace that a process scan by marker or folder would find, and writes a file later.
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.chdir("/")
        os.execve(sys.executable, [sys.executable, "-c",
                  "import sys, time; time.sleep(10); open(sys.argv[2], 'w').write('late')",
                  "{MARK}", LATE], {{}})
    os._exit(0)
learner = "started"
"""


# A user namespace of its own would make the kernel root there (to mount a tmpfs and pin memory
# no limit counts): both ways of asking for one must fail.
USERNS = """
import ctypes, subprocess
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x10000000) != 0:
    raise PermissionError(ctypes.get_errno(), "unshare")
"""
USERNS_COMMAND = "import subprocess\nsubprocess.run(['unshare', '-Ur', 'true'], check=True)"

BOMB_MARK = f"tipcourse-bomb-{uuid.uuid4().hex}"
# Each child waits in a shell named by the mark, so that what is left of the bomb can be found
# among other tests' kernels (which also run as nobody).
BOMB = (
    "import os\nwhile True:\n    if os.fork() == 0:\n"
    f"        os.execv('/bin/sh', ['sh', '-c', 'sleep 60; :', {BOMB_MARK!r}])"
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The batch: each hostile notebook graded in the sandbox; the escape also without it."""
    need_bwrap()
    root = tmp_path_factory.mktemp("hostile")
    key = root / "hw" / "key"
    key.mkdir(parents=True)
    (key / "answer-key.md").write_text("prosecution_q01 = 18", "utf-8")
    other = root / "submissions" / "other.ipynb"
    other.parent.mkdir()
    other.write_text(notebook(answers()), "utf-8")
    home_secret = Path.home() / f".tipcourse-test-secret-{uuid.uuid4().hex}"
    home_secret.write_text("secret", "utf-8")
    outside = root / "outside"
    outside.mkdir()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    cases = {
        "escape": ESCAPE.replace("LATE", repr(str(outside / "late-sandboxed.txt"))),
        "key": outcome(f"open({str(key / 'answer-key.md')!r}).read()"),
        "other": outcome(f"open({str(other)!r}).read()"),
        "home": outcome(f"open({str(home_secret)!r}).read()"),
        "network": outcome(f"import socket\nsocket.create_connection(('127.0.0.1', {port}), 3)"),
        "write": outcome(f"open({str(outside / 'written.txt')!r}, 'w').write('mine')"),
        "write_tmp": outcome("open('/tmp/written-in-tmp.txt', 'w').write('mine')"),
        "userns": outcome(USERNS),
        "userns_command": outcome(USERNS_COMMAND),
        "bomb": BOMB,
    }
    paths = {}
    for name, code in cases.items():
        paths[name] = root / "submissions" / f"{name}.ipynb"
        # The cell takes the learner cell's place: the grader reads `learner` right after it.
        paths[name].write_text(
            notebook([answers()[0], cell(code, role="learner"), *answers()[2:]]), "utf-8"
        )
    unsandboxed = root / "submissions" / "escape-unsandboxed.ipynb"
    unsandboxed.write_text(
        notebook(
            [
                answers()[0],
                cell(
                    ESCAPE.replace("LATE", repr(str(outside / "late-unsandboxed.txt"))),
                    role="learner",
                ),
                *answers()[2:],
            ]
        ),
        "utf-8",
    )
    try:
        results = grade(
            list(paths.values()), None, jobs=2, timeout=60, memory_mb=2500, sandbox="bwrap"
        )
        left_right_after = escaped()
        # The contrast: no sandbox and no cgroup (whose removal would stop the grandchild too).
        with mock.patch.object(_cgroup, "cgroups", lambda: (None, "off for the contrast")):
            [plain] = grade([unsandboxed], None, jobs=1, timeout=60, sandbox="none")
        time.sleep(12)  # past the grandchildren's 10 seconds
        yield {
            "results": {Path(r.submission).stem: r for r in results},
            "plain": plain,
            "left": left_right_after,
            "outside": outside,
            "accepted": accepted,
            "late_left": escaped(),
        }
    finally:
        stop.set()
        server.close()
        for connection in accepted:
            connection.close()  # type: ignore[attr-defined]
        home_secret.unlink(missing_ok=True)
        for pid in escaped():  # the unsandboxed grandchild: the test stops what it started
            os.kill(pid, signal.SIGKILL)


def escaped(mark: str = MARK) -> list[int]:
    """The processes that carry a marker (the escape's by default) in their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_detached_grandchild_dies_with_the_sandbox(hostile):
    """Double fork, setsid, no environment, / as folder: gone when grade returns, and the file it
    would write 10 s later never appears. Without the sandbox and without a cgroup the same
    grandchild survives and writes it (the contrast shows this test can fail)."""
    assert hostile["results"]["escape"].learner == "started"
    assert hostile["left"] == []
    assert not (hostile["outside"] / "late-sandboxed.txt").exists()
    assert hostile["plain"].learner == "started"
    assert (hostile["outside"] / "late-unsandboxed.txt").read_text("utf-8") == "late"


@pytest.mark.parametrize("name", ["key", "other", "home"])
def test_the_key_other_submissions_and_the_home_are_not_there(hostile, name):
    """Reading the key folder, another submission or a file in the grader's home fails."""
    assert hostile["results"][name].learner == "blocked: FileNotFoundError"


def test_no_connection_reaches_a_server_on_localhost(hostile):
    result = hostile["results"]["network"]
    assert result.learner.startswith("blocked: ") and hostile["accepted"] == []


def test_nothing_is_written_outside_the_sandbox_folder(hostile):
    """Neither a folder of the grader's nor the sandbox's own /tmp can be written."""
    assert hostile["results"]["write"].learner.startswith("blocked: ")
    assert not (hostile["outside"] / "written.txt").exists()
    assert hostile["results"]["write_tmp"].learner.startswith("blocked: ")
    assert not Path("/tmp/written-in-tmp.txt").exists()


def test_a_fork_bomb_is_contained_and_reported_as_an_error(hostile):
    """The limit on processes stops it; the row is an error; the rest of the notebook still
    counts; nothing of it is left."""
    bomb = hostile["results"]["bomb"]
    assert bomb.status == "error" and "BlockingIOError" in bomb.detail, bomb.detail
    assert bomb.score == 5
    assert escaped(BOMB_MARK) == []


def test_no_nested_user_namespace_can_be_made(hostile):
    """unshare(CLONE_NEWUSER) and `unshare -Ur` both fail in the sandbox (a seccomp filter)."""
    assert hostile["results"]["userns"].learner == "blocked: PermissionError"
    assert hostile["results"]["userns_command"].learner == "blocked: CalledProcessError"


def test_a_right_submission_still_scores_full_marks_in_the_sandbox(hostile):
    for name in ("key", "other", "home", "network", "write", "write_tmp"):
        assert (hostile["results"][name].status, hostile["results"][name].score) == ("ok", 5)


def test_bwrap_that_cannot_run_stops_grade_with_a_message(tmp_path, capsys, monkeypatch):
    """--sandbox bwrap without bubblewrap: exit 2, what to do, nothing graded; auto says once
    that it grades unsandboxed."""
    monkeypatch.setattr(_bwrap, "_problem", lambda: "bubblewrap is not installed (test)")
    (tmp_path / "a.ipynb").write_text(notebook(answers()), "utf-8")
    out = tmp_path / "gradebook.csv"
    assert (
        cli.main(["grade", str(tmp_path / "a.ipynb"), "--out", str(out), "--sandbox", "bwrap"]) == 2
    )
    error = capsys.readouterr().err
    assert "bubblewrap is not installed (test)" in error and "Nothing was graded" in error
    assert not out.exists()
    assert (
        cli.main(["grade", str(tmp_path / "a.ipynb"), "--out", str(out), "--sandbox", "auto"]) == 0
    )
    error = capsys.readouterr().err
    assert error.count("Grading without a sandbox") == 1
    assert list(csv.DictReader(open(out, encoding="utf-8")))[0]["score"] == "5"


def test_the_sandbox_holds_when_an_ordinary_user_grades():
    """Not only as root: the grader runs as an ordinary user (nobody here), so bubblewrap uses a
    user namespace of its own. A right notebook scores full marks; the fork bomb is stopped by
    the user's own limit and is an error row; the detached grandchild is gone on return."""
    need_bwrap()
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("this machine runs the tests as an ordinary user already")
    folder = Path(tempfile.mkdtemp(prefix="tipcourse-as-user-"))  # pytest's own is root's only
    try:
        rows = as_user(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert rows["good"] == ["ok", "5.0", "Ana"]
    assert rows["bomb"][:2] == ["error", "5.0"]
    assert rows["escape"] == ["ok", "5.0", "started", "0"]


def as_user(folder: Path) -> dict[str, list[str]]:
    """Grade three notebooks as nobody; each row as (status, score, learner[, escaped])."""
    os.chown(folder, _bwrap.NOBODY, _bwrap.NOBODY)
    cases = {
        "good": answers(),
        "bomb": [answers()[0], cell(BOMB), *answers()[1:]],
        "escape": [
            answers()[0],
            cell(ESCAPE.replace("LATE", repr(str(folder / "late"))), role="learner"),
            *answers()[2:],
        ],
    }
    for name, cells in cases.items():
        (folder / f"{name}.ipynb").write_text(notebook(cells), "utf-8")
        os.chown(folder / f"{name}.ipynb", _bwrap.NOBODY, _bwrap.NOBODY)
    script = f"""
import os, pathlib, sys, tipcourse.instructor.grading._grade as g
for path in sys.argv[1:]:
    [r] = g.grade([pathlib.Path(path)], None, jobs=1, timeout=60, sandbox="bwrap")
    left = sum(b"{MARK}" in p.joinpath("cmdline").read_bytes()  # this script's own is not one
               for p in pathlib.Path("/proc").iterdir()
               if p.name.isdigit() and p.name != str(os.getpid()) and p.exists())
    print(pathlib.Path(path).stem, r.status, r.score, r.learner or "-", left)
"""
    done = subprocess.run(
        [
            "setpriv",
            f"--reuid={_bwrap.NOBODY}",
            f"--regid={_bwrap.NOBODY}",
            "--clear-groups",
            sys.executable,
            "-c",
            script,
            *(str(folder / f"{name}.ipynb") for name in cases),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=folder,
        env={**os.environ, "HOME": str(folder), "TMPDIR": str(folder)},
    )
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines() if line}
    assert set(rows) == set(cases), done.stderr[-2000:]
    rows["good"] = rows["good"][:3]
    rows["bomb"] = rows["bomb"][:2]
    return rows
