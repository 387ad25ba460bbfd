"""The attempts store: recording and reading attempts that are never lost, summing them up, starting again."""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tipcourse
from tipcourse.engine._store import (
    ALL_LEARNERS,
    attempts,
    current_learner,
    database_path,
    record_attempt,
    reset,
    set_learner,
    summary,
)
from tipcourse.report._parse import SECTION_NAMES
from tipcourse.views.dashboard import progress

store_module = importlib.import_module("tipcourse.engine._store")
sqlite_module = importlib.import_module("tipcourse.engine._sqlite")


@pytest.fixture(autouse=True)
def default_learner():
    """No test leaves a chosen learner behind for the next."""
    yield
    set_learner(None)


def learner_environment(home: Path) -> dict[str, str]:
    return {**os.environ, "TIPCOURSE_HOME": str(home), "TIPCOURSE_LEARNER": "test-learner"}


def run_python(code: str, home: Path) -> subprocess.CompletedProcess:
    """Run ``code`` to its end in a fresh Python process that uses ``home`` as TIPCOURSE_HOME."""
    return subprocess.run(
        [sys.executable, "-c", code],
        env=learner_environment(home),
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_python(code: str, home: Path, *arguments: str) -> subprocess.Popen:
    """Start ``code`` in a fresh Python process that uses ``home``, and return at once."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *arguments],
        env=learner_environment(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_item_ids(path: Path) -> list[str]:
    """The item ids in a database file, read with plain sqlite3."""
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT item_id FROM attempts ORDER BY id")]


def error_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


# -- where and who ------------------------------------------------------------------------------


def test_home_is_read_from_the_environment_at_call_time(monkeypatch, tmp_path):
    """TIPCOURSE_HOME chooses the folder each time it is asked, and ~/.tipcourse is the default."""
    monkeypatch.setenv("TIPCOURSE_HOME", str(tmp_path / "elsewhere"))
    assert database_path() == tmp_path / "elsewhere" / "attempts.db"
    monkeypatch.delenv("TIPCOURSE_HOME")
    assert store_module.home() == Path.home() / ".tipcourse"


def test_learner_comes_from_set_learner_then_environment_then_user(monkeypatch):
    """set_learner beats TIPCOURSE_LEARNER, which beats the OS user name, with "learner" last."""
    assert current_learner() == "test-learner"
    set_learner("ana")
    assert current_learner() == "ana"
    set_learner(None)
    monkeypatch.delenv("TIPCOURSE_LEARNER")
    monkeypatch.setattr(store_module.getpass, "getuser", lambda: "osuser")
    assert current_learner() == "osuser"

    def no_user():
        raise OSError("no user name")

    monkeypatch.setattr(store_module.getpass, "getuser", no_user)
    assert current_learner() == "learner"


@pytest.mark.parametrize("name", ["", "   ", "all", "ALL", 42])
def test_set_learner_refuses_unusable_names_with_a_message(name, capsys):
    """A blank name, "all" or a non-string keeps the learner and says what to give instead."""
    set_learner(name)
    assert current_learner() == "test-learner"
    lines = error_lines(capsys)
    assert len(lines) == 1 and "test-learner" in lines[0] and '"ana"' in lines[0]


# -- recording and reading ----------------------------------------------------------------------


def test_attempts_is_a_dataframe_with_the_documented_columns():
    """attempts() has learner, item_id, kind, section, correct (bool), score (float), time (UTC)."""
    record_attempt("overview.q01", "overview", True, 1.0)
    record_attempt("overview.e01", "overview", False, 0.25, kind="exercise")
    frame = attempts()
    assert list(frame.columns) == [
        "learner",
        "item_id",
        "kind",
        "section",
        "correct",
        "score",
        "time",
    ]
    assert frame["correct"].dtype == bool and frame["score"].dtype == float
    assert str(frame["time"].dt.tz) == "UTC"
    assert frame[["item_id", "kind", "correct", "score"]].values.tolist() == [
        ["overview.q01", "question", True, 1.0],
        ["overview.e01", "exercise", False, 0.25],
    ]
    assert set(frame["learner"]) == {"test-learner"}


def test_an_empty_store_gives_an_empty_dataframe_with_the_same_columns():
    """With nothing recorded, attempts() is empty but typed the same way."""
    frame = attempts()
    assert frame.empty and list(frame.columns)[-1] == "time"
    assert frame["correct"].dtype == bool and str(frame["time"].dt.tz) == "UTC"


def test_attempts_are_the_current_learners_unless_all_are_asked_for():
    """By default only the current learner's attempts; learner="all" gives everyone's."""
    record_attempt("overview.q01", "overview", True, 1.0)
    record_attempt("overview.q01", "overview", False, 0.0, learner="bea")
    set_learner("carl")
    record_attempt("overview.q02", "overview", True, 1.0)
    assert attempts()["learner"].tolist() == ["carl"]
    assert attempts("bea")["correct"].tolist() == [False]
    assert sorted(attempts(ALL_LEARNERS)["learner"]) == ["bea", "carl", "test-learner"]


def test_record_attempt_never_raises_on_odd_arguments(capsys):
    """A score that is not a number, or out of range, is made usable instead of raising."""
    record_attempt("overview.q01", "overview", True, "not a number")
    record_attempt("overview.q02", "overview", False, float("nan"))
    record_attempt("overview.q03", "overview", True, 7)
    assert attempts()["score"].tolist() == [1.0, 0.0, 1.0]
    assert capsys.readouterr().err == ""


def test_attempts_survive_a_restart(tipcourse_home):
    """Attempts recorded by one process are there for the next: a kernel restart loses nothing."""
    recorder = run_python(
        "from tipcourse.engine._store import record_attempt\n"
        "for n in range(3):\n"
        "    record_attempt(f'overview.q0{n}', 'overview', n != 1, float(n != 1))\n",
        tipcourse_home,
    )
    assert recorder.returncode == 0 and recorder.stderr == ""
    reader = run_python(
        "import json, tipcourse\n"
        "frame = tipcourse.attempts()\n"
        "print(json.dumps([frame['item_id'].tolist(), frame['correct'].tolist()]))\n",
        tipcourse_home,
    )
    assert json.loads(reader.stdout) == [
        ["overview.q00", "overview.q01", "overview.q02"],
        [True, False, True],
    ]
    assert attempts()["item_id"].tolist() == ["overview.q00", "overview.q01", "overview.q02"]


def test_attempts_recorded_from_another_thread_are_written_at_once(capsys):
    """A kernel handles a widget's messages in another thread than its cells: an attempt
    recorded there is in the database at once, beside one recorded in this thread, with no
    warning (a connection bound to one thread once kept the second attempt pending)."""
    import threading

    record_attempt("overview.q01", "overview", False, 0.0)
    other = threading.Thread(
        target=record_attempt, args=("overview.q01", "overview", True, 1.0), daemon=True
    )
    other.start()
    other.join(timeout=30)
    with sqlite3.connect(database_path()) as connection:
        stored = connection.execute("SELECT correct FROM attempts ORDER BY id").fetchall()
    assert stored == [(0,), (1,)]
    assert capsys.readouterr().out == ""


def test_a_killed_process_loses_no_attempt_it_reported(tipcourse_home):
    """SIGKILL in the middle of recording: every attempt reported as recorded is in the database."""
    code = (
        "from tipcourse.engine._store import record_attempt\n"
        "for n in range(100000):\n"
        "    record_attempt(f'protection.q{n}', 'protection', True, 1.0)\n"
        "    print(n, flush=True)\n"
    )
    child = start_python(code, tipcourse_home)
    reported = []
    for line in child.stdout:
        reported.append(int(line))
        if len(reported) >= 60:
            break
    child.send_signal(signal.SIGKILL)
    reported += [int(line) for line in child.stdout.read().split()]
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert child.stderr.read() == ""  # no fallback to memory: each report followed a commit
    stored = set(attempts()["item_id"])
    assert {f"protection.q{n}" for n in reported} <= stored
    assert len(reported) >= 60


def test_two_processes_writing_at_once_lose_nothing(tipcourse_home):
    """Two notebooks recording 200 attempts each at the same moment store all 400."""
    go = tipcourse_home.parent / "go"
    code = (
        "import os, sys, time\n"
        "from tipcourse.engine._store import record_attempt\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.001)\n"
        "for n in range(200):\n"
        "    record_attempt(f'{sys.argv[1]}.q{n}', 'prevention', n % 2 == 0, 0.5)\n"
    )
    writers = [start_python(code, tipcourse_home, name, str(go)) for name in ("left", "right")]
    time.sleep(0.5)  # both are importing tipcourse; the file lets them start together
    go.touch()
    results = [writer.communicate(timeout=120) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0]
    assert [err for _, err in results] == ["", ""]
    stored = stored_item_ids(database_path())
    assert len(stored) == 400 and len(set(stored)) == 400


def _record_in_child() -> None:
    record_attempt("overview.q02", "overview", True, 1.0)


def test_a_forked_process_records_through_its_own_connection():
    """A process forked after recording writes safely, and the parent goes on recording."""
    record_attempt("overview.q01", "overview", True, 1.0)
    child = multiprocessing.get_context("fork").Process(target=_record_in_child)
    child.start()
    child.join(60)
    assert child.exitcode == 0
    record_attempt("overview.q03", "overview", True, 1.0)
    stored = sorted(stored_item_ids(database_path()))
    assert stored == ["overview.q01", "overview.q02", "overview.q03"]


# -- damage and failures ------------------------------------------------------------------------


def moved_aside(home: Path) -> list[Path]:
    return sorted(home.glob("attempts.db.corrupt-*"))


def test_a_corrupt_database_is_moved_aside_with_one_warning(tipcourse_home, capsys):
    """Garbage in the file: it is renamed aside (kept), one line says where, recording goes on."""
    made = run_python(
        "from tipcourse.engine._store import record_attempt\n"
        "record_attempt('overview.q01', 'overview', True, 1.0)",
        tipcourse_home,
    )
    assert made.returncode == 0
    garbage = os.urandom(5000)
    database_path().write_bytes(garbage)

    record_attempt("overview.q02", "overview", True, 1.0)
    record_attempt("overview.q03", "overview", False, 0.0)

    lines = error_lines(capsys)
    [kept] = moved_aside(tipcourse_home)
    assert len(lines) == 1 and str(kept) in lines[0]
    assert kept.read_bytes() == garbage
    assert attempts()["item_id"].tolist() == ["overview.q02", "overview.q03"]


def test_damage_while_the_process_has_the_database_open_is_caught(tipcourse_home, capsys):
    """A file overwritten under a running notebook is moved aside before the next write."""
    record_attempt("overview.q01", "overview", True, 1.0)
    database_path().write_bytes(os.urandom(12345))
    record_attempt("overview.q02", "overview", True, 1.0)
    lines = error_lines(capsys)
    assert len(lines) == 1 and str(moved_aside(tipcourse_home)[0]) in lines[0]
    assert attempts()["item_id"].tolist() == ["overview.q02"]


def test_a_truncated_database_is_moved_aside(tipcourse_home, capsys):
    """A file cut short (a crash while copying it) is detected and replaced by a fresh one."""
    made = run_python(  # the store's own file, then 3,000 rows added in one transaction
        "import sqlite3\n"
        "from tipcourse.engine._sqlite import database_path\n"
        "from tipcourse.engine._store import record_attempt\n"
        "record_attempt('assessment.q00', 'assessment', True, 1.0)\n"
        "with sqlite3.connect(database_path()) as connection:\n"
        "    connection.executemany('INSERT INTO attempts (learner, item_id, kind, section,"
        " correct, score, time) VALUES (?, ?, ?, ?, ?, ?, ?)', [('ana', f'assessment.q{n}',"
        " 'question', 'assessment', 1, 1.0, '2026-01-01T00:00:00') for n in range(3000)])",
        tipcourse_home,
    )
    assert made.returncode == 0, made.stderr
    size = database_path().stat().st_size
    os.truncate(database_path(), size // 2)
    record_attempt("assessment.q01", "assessment", True, 1.0)
    lines = error_lines(capsys)
    assert len(lines) == 1 and "moved aside" in lines[0]
    assert moved_aside(tipcourse_home)[0].stat().st_size == size // 2
    assert attempts()["item_id"].tolist() == ["assessment.q01"]


def test_a_corrupt_database_found_when_reading_is_moved_aside_too(tipcourse_home, capsys):
    """attempts() on a damaged file warns once and shows an empty, working store."""
    record_attempt("overview.q01", "overview", True, 1.0)
    sqlite_module._close_all()
    database_path().write_bytes(b"not a database at all" * 100)
    assert attempts().empty
    assert len(error_lines(capsys)) == 1 and len(moved_aside(tipcourse_home)) == 1
    record_attempt("overview.q02", "overview", True, 1.0)
    assert attempts()["item_id"].tolist() == ["overview.q02"]


def test_an_unwritable_home_keeps_attempts_in_memory(monkeypatch, tmp_path, capsys):
    """A home under a regular file cannot be created: attempts stay in memory, with one warning."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIPCOURSE_HOME", str(blocker / "home"))
    record_attempt("overview.q01", "overview", True, 1.0)
    record_attempt("overview.q02", "overview", False, 0.0)
    frame = attempts()
    lines = error_lines(capsys)
    assert len(lines) == 1 and str(blocker) in lines[0] and "TIPCOURSE_HOME" in lines[0]
    assert frame["item_id"].tolist() == ["overview.q01", "overview.q02"]
    assert summary().loc[0, "answered"] == 2
    with pytest.raises(OSError, match="nothing was changed"):
        reset()


def test_a_busy_database_keeps_the_attempt_and_saves_it_with_the_next(monkeypatch, capsys):
    """A database locked beyond the timeout: warn once, keep the attempt, write it next time."""
    real_open = sqlite_module._open
    calls = []

    def locked_once(path):
        calls.append(path)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return real_open(path)

    monkeypatch.setattr(sqlite_module, "_open", locked_once)
    record_attempt("overview.q01", "overview", True, 1.0)
    assert attempts()["item_id"].tolist() == ["overview.q01"]  # from memory, or already saved
    lines = error_lines(capsys)
    assert len(lines) == 1 and "database is locked" in lines[0]
    record_attempt("overview.q02", "overview", True, 1.0)
    assert stored_item_ids(database_path()) == ["overview.q01", "overview.q02"]


def test_check_records_through_the_real_store():
    """A question's check() lands in attempts(), right or wrong, and bad input does not."""
    question = tipcourse.questions()[0]
    question.check(None)
    question.check(question_answer := _some_answer(question))
    frame = attempts()
    assert frame["item_id"].tolist() == [question.id]
    assert frame["section"].tolist() == [question.section]
    assert question_answer is not None


def _some_answer(question):
    """Any usable answer to ``question``: the first option key, or True, or a number, or a word."""
    options = getattr(question, "options", None) or []
    keys = [option.key for option in options]
    return {
        "single": keys[:1] and keys[0],
        "multiple": keys[:1],
        "order": keys,
        "truefalse": True,
        "numeric": 1,
        "text": "word",
    }[question.type]


# -- summing up ---------------------------------------------------------------------------------


def test_summary_counts_answered_correct_and_best_score_per_section():
    """Answered counts items; an item is correct if its best try was; score adds best scores."""
    record_attempt("overview.q01", "overview", False, 0.0)
    record_attempt("overview.q01", "overview", True, 1.0)  # wrong, then right: correct
    record_attempt("overview.q02", "overview", True, 1.0)
    record_attempt("overview.q02", "overview", False, 0.0)  # right, then wrong: still correct
    record_attempt("overview.q03", "overview", False, 0.5)
    record_attempt("overview.q03", "overview", False, 0.25)
    record_attempt("prosecution.e01", "prosecution", False, 0.0, kind="exercise")
    record_attempt("prevention.q01", "prevention", True, 1.0, learner="someone-else")
    table = summary(totals={"overview": 10})
    assert table["section"].tolist() == list(SECTION_NAMES)
    rows = table.set_index("section")
    assert rows.loc["overview", ["answered", "correct", "score"]].tolist() == [3, 2, 2.5]
    assert rows.loc["prosecution", ["answered", "correct", "score"]].tolist() == [1, 0, 0.0]
    assert rows.loc["prevention", "answered"] == 0
    assert rows.loc["overview", "available"] == 10 and rows["available"].isna().sum() == 5


def test_summary_puts_unknown_sections_last():
    """An attempt in a section outside the six is still counted, after the course's sections."""
    record_attempt("glossary.q01", "glossary", True, 1.0)
    assert summary()["section"].tolist() == [*SECTION_NAMES, "glossary"]


# -- starting again -----------------------------------------------------------------------------


def test_reset_keeps_a_backup_holding_the_old_attempts(tipcourse_home):
    """reset() copies every attempt into a timestamped backup and leaves an empty store."""
    record_attempt("overview.q01", "overview", True, 1.0)
    record_attempt("overview.q02", "overview", False, 0.0, learner="bea")
    backup = reset()
    assert backup.parent == tipcourse_home and backup.name.startswith("attempts-backup-")
    assert stored_item_ids(backup) == ["overview.q01", "overview.q02"]
    assert attempts(ALL_LEARNERS).empty
    record_attempt("overview.q03", "overview", True, 1.0)
    assert attempts()["item_id"].tolist() == ["overview.q03"]
    assert stored_item_ids(backup) == ["overview.q01", "overview.q02"]


def test_reset_with_nothing_recorded_or_without_backup_returns_none(tipcourse_home):
    """Nothing to reset makes no backup; backup=False empties the store without one."""
    assert reset() is None
    record_attempt("overview.q01", "overview", True, 1.0)
    assert reset(backup=False) is None
    assert attempts().empty and not list(tipcourse_home.glob("attempts-backup-*"))


def test_reset_names_a_second_backup_in_the_same_second_apart(tipcourse_home, monkeypatch):
    """Two resets within a second never overwrite the first backup."""
    monkeypatch.setattr(sqlite_module, "_timestamp", lambda: "20120619T000000Z")
    record_attempt("overview.q01", "overview", True, 1.0)
    first = reset()
    record_attempt("overview.q02", "overview", True, 1.0)
    second = reset()
    assert first != second and stored_item_ids(first) == ["overview.q01"]
    assert stored_item_ids(second) == ["overview.q02"]


def test_a_reset_that_fails_half_way_changes_nothing(tipcourse_home, monkeypatch):
    """A full disk while writing the backup: an OSError that says so, and every attempt kept."""
    record_attempt("overview.q01", "overview", True, 1.0)

    def disk_full(target, rows):
        target.write_bytes(b"half a backup")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sqlite_module, "_write_backup", disk_full)
    with pytest.raises(OSError, match="No space left on device.*nothing was changed"):
        reset()
    assert attempts()["item_id"].tolist() == ["overview.q01"]
    assert not list(tipcourse_home.glob("attempts-backup-*"))


def test_the_package_exports_the_progress_api():
    """tipcourse.attempts, progress, set_learner and set_language are public."""
    assert {"attempts", "progress", "set_learner", "set_language"} <= set(tipcourse.__all__)
    assert tipcourse.progress is progress and tipcourse.attempts is attempts
