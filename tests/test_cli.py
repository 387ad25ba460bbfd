"""The `tipcourse progress` command: the table in a terminal, and a reset that asks first."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tipcourse.cli import main
from tipcourse.engine._store import attempts, database_path, record_attempt
from tipcourse.instructor._cells import ManifestEntry
from tipcourse.views.dashboard import course_totals


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
    heavy = [
        "pandas",
        "matplotlib",
        "ipywidgets",
        "nbformat",
        "nbclient",
        "jupyter_client",
        "yaml",
        "jsonschema",
    ]
    code = (
        "import sys\nfrom tipcourse.cli import main\ntry:\n    main(['--version'])\n"
        "except SystemExit:\n    pass\n"
        f"print([name for name in {heavy!r} if name in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "[]", result.stderr


# -- analyze and the LMS gradebook ---------------------------------------------------------------

ANALYZED = ["prosecution.q01", "prosecution.q03"]
GRADEBOOK_HEAD = "submission,learner,status,score,max_score,detail," + ",".join(ANALYZED)


def small_assignment(folder):
    """An assignment of two one-point questions, written as tipcourse assign writes its manifest."""
    folder.mkdir()
    items = [
        {"id": item, "kind": "question", "points": 1, "variable": item.replace(".", "_")}
        for item in ANALYZED
    ]
    (folder / "assignment.json").write_text(
        json.dumps(
            {
                "format": 1,
                "notebooks": [{"notebook": "04-prosecution.ipynb", "items": items, "max_score": 2}],
            }
        ),
        "utf-8",
    )
    return folder


def test_analyze_writes_the_item_table_and_the_report(tmp_path, capsys):
    """`tipcourse analyze` writes items.csv and report.html and says how many items it flagged."""
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text(
        GRADEBOOK_HEAD + "\na,ana,ok,2,2,,1,1\nb,bea,ok,1,2,,1,0\nc,carl,ok,0,2,,0,0\n", "utf-8"
    )
    out = tmp_path / "analysis"
    assert (
        main(
            [
                "analyze",
                str(gradebook),
                "--assignment",
                str(small_assignment(tmp_path / "hw")),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "Analysed 2 item(s) answered by 3 learner(s); 0 item(s) flagged." in printed
    assert sorted(path.name for path in out.iterdir()) == ["items.csv", "report.html"]


@pytest.mark.parametrize(
    "content, words",
    [
        (
            GRADEBOOK_HEAD + ",prosecution.q99\na,ana,ok,1,1,,1,0,1\n",
            "has the column(s) prosecution.q99, which are not items of the assignment",
        ),
        (
            "submission,status,score,max_score,detail,prosecution.q01\na,ok,1,1,,1\n",
            "has no learner column",
        ),
        (GRADEBOOK_HEAD + "\n", "has a header but no rows"),
        (
            '{"cells": [], "metadata": {}, "nbformat": 4}\n',
            "is not a CSV gradebook from tipcourse grade",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00\xff\xfe", "is not a CSV gradebook from tipcourse grade"),
        (GRADEBOOK_HEAD + "\na,ana,ok,1,1,,1,one\n", "row 2, column prosecution.q03: 'one' is not"),
    ],
)
def test_analyze_refuses_a_bad_gradebook_and_writes_nothing(tmp_path, capsys, content, words):
    """Unknown item columns, no learner column, no rows, not a CSV: the file and what to do are
    named, exit status 2, and no output folder appears."""
    gradebook = tmp_path / "gradebook.csv"
    if isinstance(content, bytes):
        gradebook.write_bytes(content)
    else:
        gradebook.write_text(content, "utf-8")
    out = tmp_path / "analysis"
    code = main(
        [
            "analyze",
            str(gradebook),
            "--assignment",
            str(small_assignment(tmp_path / "hw")),
            "--out",
            str(out),
        ]
    )
    error = capsys.readouterr().err
    assert code == 2 and str(gradebook) in error and words in error, error
    assert "Nothing was written." in error and "Traceback" not in error
    assert not out.exists() and sorted(path.name for path in tmp_path.iterdir()) == [
        "gradebook.csv",
        "hw",
    ]


def graded_without_kernels(monkeypatch, calls):
    """`tipcourse grade` with hand-made results instead of running notebooks."""
    from tipcourse import cli
    from tipcourse.engine import outcome
    from tipcourse.instructor.grading._grade import Result

    items = [ManifestEntry("prosecution.q01", "question", 1)]

    def grade(paths, *args, **kwargs):
        calls.append(paths)
        return [
            Result(
                "ana.ipynb",
                "ok",
                "ana@example.edu",
                items=items,
                outcomes={"prosecution.q01": outcome.correct("")},
            ),
            Result(
                "zoe.ipynb",
                "ok",
                "zoe@example.edu",
                items=items,
                outcomes={"prosecution.q01": outcome.incorrect("")},
            ),
        ]

    monkeypatch.setattr(cli, "grade", grade)


def one_item_assignment(folder):
    """The key of an assignment whose one notebook grades prosecution.q01 (1 point)."""
    folder.mkdir()
    item = {"id": "prosecution.q01", "kind": "question", "points": 1, "variable": "prosecution_q01"}
    (folder / "assignment.json").write_text(
        json.dumps(
            {
                "format": 1,
                "notebooks": [
                    {"notebook": "04-prosecution.ipynb", "items": [item], "max_score": 1}
                ],
            }
        ),
        "utf-8",
    )
    return str(folder)


def test_grade_fills_the_lms_gradebook_and_lists_who_is_not_in_it(tmp_path, monkeypatch, capsys):
    """--lms-gradebook/--lms-column: gradebook, responses and NAME-filled.csv are written; the
    learner missing from the export is listed."""
    calls: list = []
    graded_without_kernels(monkeypatch, calls)
    export = tmp_path / "moodle.csv"
    export.write_text(
        "First name,Email address,HW1\nAna,ana@example.edu,\nBo,bo@example.edu,\n", "utf-8"
    )
    out = tmp_path / "gradebook.csv"
    assert (
        main(
            [
                "grade",
                "a.ipynb",
                "--out",
                str(out),
                "--lms-gradebook",
                str(export),
                "--lms-column",
                "HW1",
                "--assignment",
                one_item_assignment(tmp_path / "hw"),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    filled = tmp_path / "moodle-filled.csv"
    assert (
        f"Filled 1 learner(s) into the column HW1 (matched on Email address): {filled}" in printed
    )
    assert "zoe@example.edu (zoe.ipynb) is not in the column Email address" in printed
    assert filled.read_text("utf-8").splitlines() == [
        "First name,Email address,HW1",
        "Ana,ana@example.edu,1",
        "Bo,bo@example.edu,",
    ]
    assert out.exists() and (tmp_path / "gradebook-responses.csv").exists()


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--lms-column", "HW1"], "--lms-gradebook and --lms-column go together"),
        (
            ["--lms-gradebook", "{export}", "--lms-column", "HW1", "--assignment", "{hw}"],
            "has no column that identifies",
        ),
        (
            ["--lms-gradebook", "{missing}", "--lms-column", "HW1", "--assignment", "{hw}"],
            "Cannot read the LMS gradebook",
        ),
        (
            ["--lms-gradebook", "{export}", "--lms-column", "HW1"],
            "--lms-gradebook needs --assignment",
        ),
    ],
)
def test_a_bad_lms_request_stops_before_any_grading(
    tmp_path, monkeypatch, capsys, arguments, words
):
    """No id column, an unreadable file, or a column without a file: exit 2 before a notebook
    runs, saying nothing was graded."""
    calls: list = []
    graded_without_kernels(monkeypatch, calls)
    export = tmp_path / "grades.csv"
    export.write_text("Name,HW1\nAna,\n", "utf-8")
    hw = one_item_assignment(tmp_path / "hw")
    arguments = [
        part.format(export=export, missing=tmp_path / "nowhere.csv", hw=hw) for part in arguments
    ]
    out = tmp_path / "gradebook.csv"
    assert main(["grade", "a.ipynb", "--out", str(out), *arguments]) == 2
    error = capsys.readouterr().err
    assert words in error and "Nothing was graded." in error and "Traceback" not in error
    assert calls == [] and not out.exists()
    if "no column" in words:
        assert "Its columns: Name, HW1." in error and "SIS Login ID" in error


def test_an_output_in_the_way_stops_before_any_grading(tmp_path, monkeypatch, capsys):
    """A folder where the filled copy goes, a file where a folder of --out would be: exit 2,
    what is in the way and what to do, nothing graded, nothing written."""
    calls: list = []
    graded_without_kernels(monkeypatch, calls)
    export = tmp_path / "moodle.csv"
    export.write_text("Email address,HW1\nana@example.edu,\n", "utf-8")
    (tmp_path / "moodle-filled.csv").mkdir()  # in the way of the filled copy
    (tmp_path / "afile").write_text("not a folder", "utf-8")
    hw = one_item_assignment(tmp_path / "hw")
    for arguments, words in (
        (
            [
                "--out",
                str(tmp_path / "gradebook.csv"),
                "--lms-gradebook",
                str(export),
                "--lms-column",
                "HW1",
                "--assignment",
                hw,
            ],
            "moodle-filled.csv is a folder",
        ),
        (["--out", str(tmp_path / "afile" / "gradebook.csv")], "afile is a file"),
        (
            ["--out", str(tmp_path / "g.csv"), "--feedback", str(tmp_path / "afile")],
            "afile is a file",
        ),
    ):
        assert main(["grade", "a.ipynb", *arguments]) == 2
        error = capsys.readouterr().err
        assert words in error and "Nothing was graded." in error and "Traceback" not in error
    assert calls == [] and sorted(path.name for path in tmp_path.iterdir()) == [
        "afile",
        "hw",
        "moodle-filled.csv",
        "moodle.csv",
    ]


def test_an_output_that_fails_after_grading_is_saved_elsewhere_and_named(
    tmp_path, monkeypatch, capsys
):
    """A writer that still fails (its place taken while grading ran) does not stop the others;
    exit status 1 and a last line that names it and where its content went instead."""
    from tipcourse import cli

    graded_without_kernels(monkeypatch, [])
    grade = cli.grade

    def grade_then_block(*args, **kwargs):
        (tmp_path / "gradebook-responses.csv").mkdir()  # taken after the check
        return grade(*args, **kwargs)

    monkeypatch.setattr(cli, "grade", grade_then_block)
    out = tmp_path / "gradebook.csv"
    assert main(["grade", "a.ipynb", "--out", str(out)]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "gradebook-responses.csv could not be written" in last and "saved to" in last
    saved = Path(last.split("saved to ")[1].rstrip("."))
    assert "zoe@example.edu" in saved.read_text("utf-8")
    assert "zoe@example.edu" in out.read_text("utf-8")  # the others were written
    assert (tmp_path / "gradebook-feedback" / "zoe.md").exists()
    shutil.rmtree(saved.parent)
