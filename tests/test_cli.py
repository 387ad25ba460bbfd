"""The `tipcourse progress` command: the table in a terminal, and a reset that asks first."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys

import pytest

from tipcourse._store import attempts, database_path, record_attempt
from tipcourse.cli import main
from tipcourse.dashboard import course_totals


@pytest.fixture
def three_attempts():
    """Three attempts of the test learner and one of another learner."""
    record_attempt("overview.q01", "overview", True, 1.0)
    record_attempt("overview.q02", "overview", False, 0.5)
    record_attempt("prosecution.q01", "prosecution", True, 1.0)
    record_attempt("overview.q01", "overview", True, 1.0, learner="bea")


def answer(monkeypatch, text: str) -> None:
    """What the learner types at the confirmation prompt (an empty string is end of input)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def backups(home):
    return sorted(home.glob("attempts-backup-*.db"))


def test_progress_prints_one_aligned_row_per_section(three_attempts, capsys):
    """`tipcourse progress` prints a heading and the six sections with their numbers."""
    assert main(["progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Your progress"  # never the login or build-user name
    available = course_totals()
    assert lines[2].split() == ["Section", "Answered", "Correct", "Score", "Available"]
    assert lines[3].split() == ["Country", "profile", "2", "1", "1.5", str(available["overview"])]
    assert lines[6].split() == ["Prosecution", "1", "1", "1.0", str(available["prosecution"])]
    assert len({len(line) for line in lines[2:9]}) == 1  # right-aligned columns end together


def test_progress_for_another_learner(three_attempts, capsys):
    """--learner NAME shows that learner's progress."""
    assert main(["progress", "--learner", "bea"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Progress of bea") and "Country profile         1        1    1.0" in out


def test_progress_in_a_real_terminal_process(three_attempts, tipcourse_home):
    """The installed command prints the table in another process, in Spanish when asked."""
    env = {**os.environ, "TIPCOURSE_HOME": str(tipcourse_home), "TIPCOURSE_LANG": "es"}
    result = subprocess.run(
        [sys.executable, "-m", "tipcourse", "progress"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stderr == ""
    assert "Tu progreso" in result.stdout and "Perfil del país" in result.stdout


@pytest.mark.parametrize("typed", ["no\n", "", "\n", "y\n", "yes please\n"])
def test_reset_without_confirmation_changes_nothing(
    three_attempts, tipcourse_home, monkeypatch, capsys, typed
):
    """Anything but "yes", or the end of input, cancels: non-zero exit, a message, no change."""
    before = database_path().read_bytes()
    answer(monkeypatch, typed)
    assert main(["progress", "--reset"]) == 1
    captured = capsys.readouterr()
    assert "Type yes to confirm" in captured.out and "Nothing was changed" in captured.err
    assert len(attempts("all")) == 4 and not backups(tipcourse_home)
    assert database_path().read_bytes() == before


@pytest.mark.parametrize("typed", ["yes\n", "  YES \n"])
def test_reset_with_yes_keeps_a_backup_and_says_where(
    three_attempts, tipcourse_home, monkeypatch, capsys, typed
):
    """Typing yes resets every learner's attempts and names the backup that holds them."""
    answer(monkeypatch, typed)
    assert main(["progress", "--reset"]) == 0
    out = capsys.readouterr().out
    [backup] = backups(tipcourse_home)
    assert f"The old attempts are kept in {backup}." in out and "all 4 recorded attempts" in out
    assert attempts("all").empty
    with sqlite3.connect(backup) as kept:
        assert kept.execute("SELECT count(*) FROM attempts").fetchone() == (4,)


def test_reset_accepts_the_spanish_word(three_attempts, tipcourse_home, monkeypatch, capsys):
    """In Spanish the prompt asks for "sí", and "si" without the accent works too."""
    monkeypatch.setenv("TIPCOURSE_LANG", "es")
    answer(monkeypatch, "si\n")
    assert main(["progress", "--reset"]) == 0
    assert "Escribe sí para confirmar" in capsys.readouterr().out
    assert len(backups(tipcourse_home)) == 1


def test_reset_yes_flag_skips_the_question(three_attempts, tipcourse_home, monkeypatch, capsys):
    """--yes resets without reading standard input, for scripts."""
    answer(monkeypatch, "")
    assert main(["progress", "--reset", "--yes"]) == 0
    assert "Type yes" not in capsys.readouterr().out and len(backups(tipcourse_home)) == 1


def test_reset_with_nothing_recorded_says_so(tipcourse_home, capsys):
    """An empty store has nothing to reset: no question, no backup, exit 0."""
    assert main(["progress", "--reset"]) == 0
    assert "nothing to reset" in capsys.readouterr().out and not backups(tipcourse_home)


def test_reset_and_learner_together_are_refused(capsys):
    """--reset clears every learner, so it cannot be combined with --learner."""
    with pytest.raises(SystemExit) as stopped:
        main(["progress", "--reset", "--learner", "bea"])
    assert stopped.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_reset_in_a_real_terminal_process_reads_stdin(three_attempts, tipcourse_home):
    """The installed command cancels on end of input and resets on "yes" from a pipe."""
    env = {**os.environ, "TIPCOURSE_HOME": str(tipcourse_home)}
    command = [sys.executable, "-m", "tipcourse", "progress", "--reset"]
    cancelled = subprocess.run(command, env=env, input="", capture_output=True, text=True)
    assert cancelled.returncode == 1 and "Traceback" not in cancelled.stderr
    assert not backups(tipcourse_home)
    confirmed = subprocess.run(command, env=env, input="yes\n", capture_output=True, text=True)
    assert confirmed.returncode == 0 and len(backups(tipcourse_home)) == 1


def test_version_imports_nothing_heavy():
    """`tipcourse --version` loads no data, notebook, widget or plotting package."""
    heavy = ["pandas", "matplotlib", "ipywidgets", "nbformat", "nbclient", "jupyter_client",
             "yaml", "jsonschema"]
    code = ("import sys\nfrom tipcourse.cli import main\ntry:\n    main(['--version'])\n"
            "except SystemExit:\n    pass\n"
            f"print([name for name in {heavy!r} if name in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "[]", result.stderr
