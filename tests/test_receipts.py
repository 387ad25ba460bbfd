"""Progress files from the course website: read without trusting them, imported into the
learner's progress once, and analysed as self-reported practice data.

The analysis case, worked out by hand (prosecution.q02 is single choice, right option "a";
prosecution.q05 is true/false). Each learner's score on a question is their first attempt's:

    learner  files                     q02 (first answer)   q05          total
    ana      ana.json ("Ana")          0 ("b"; later "a")   1            1
    bea      bea.json (no name)        1 ("a")              not tried    1
    carl     carl-1.json, carl-2.json  0 ("c")              1 (earlier   1
             (both "Carl")                                  file wins)

prosecution.q02: 3 responses, mean 1/3, facility 0.3333; rest (q05) = 1, 0, 1 against 0, 1, 0:
    r = -1, "discriminates the wrong way". Options: a, b, c chosen once each (share 0.3333).
prosecution.q05: 2 responses (bea is missing, not 0), facility 1 — with bea as 0 it would be 0.6667.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tipcourse.cli import main
from tipcourse.engine._receipts import MAX_ATTEMPTS, MAX_BYTES, read_progress_file
from tipcourse.engine._store import attempts, database_path, record_attempt

SINGLE, TRUEFALSE, MULTIPLE = "prosecution.q02", "prosecution.q05", "prosecution.q07"


def attempt(
    item: str = SINGLE,
    time: str = "2026-12-07T16:39:12.345Z",
    status: str = "correct",
    score: float = 1,
    answer: object = "a",
    **changed: object,
) -> dict:
    """One attempt as the website writes it."""
    entry = {
        "item": item,
        "section": item.split(".")[0],
        "kind": "question",
        "time": time,
        "status": status,
        "score": score,
        "answer": answer,
    }
    return {**entry, **changed}


def progress_data(listed: list, learner: str = "", **changed: object) -> dict:
    """A whole progress file, version 1."""
    data = {
        "format": "tipcourse-progress",
        "version": 1,
        "language": "en",
        "learner": learner,
        "exported": "2026-12-07T16:40:00.000Z",
        "attempts": listed,
    }
    return {**data, **changed}


def write(path: Path, content: object) -> Path:
    """Write ``content`` (bytes, text, or data as JSON) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, "utf-8")
    else:
        path.write_text(json.dumps(content), "utf-8")
    return path


TWO_ATTEMPTS = [
    attempt(MULTIPLE, "2026-12-07T16:39:12.345Z", "partial", 0.5, ["a", "c"]),
    attempt(SINGLE, "2026-12-07T16:39:20.000Z", "correct", 1, "a"),
]


# -- every bad file: its message, exit status 2, nothing imported -------------------------------

BAD_FILES = {
    "not JSON": (b"{ this is not json", "is not valid JSON"),
    "not UTF-8": (b'{"format": "\xff\xfe"}', "it is not UTF-8 text"),
    "NaN": (
        json.dumps(progress_data([attempt()])).replace('"score": 1', '"score": NaN'),
        "is not valid JSON",
    ),
    "a field twice": ('{"format": "tipcourse-progress", "format": "x"}', "is not valid JSON"),
    "nested without end": ("[" * 100_000, "is not valid JSON"),
    "a notebook": ({"cells": [], "nbformat": 4}, "is not a tipcourse progress file"),
    "a list": ([1, 2, 3], "is not a tipcourse progress file"),
    "wrong format": (
        progress_data([], format="tipcourse-gradebook"),
        "is not a tipcourse progress file",
    ),
    "newer version": (
        progress_data([], version=2),
        "version 2, newer than this tipcourse reads (version 1): update tipcourse",
    ),
    "version as text": (progress_data([], version="1"), '"version" must be the whole number 1'),
    "version true": (progress_data([], version=True), '"version" must be the whole number 1'),
    "a field missing": (
        {key: value for key, value in progress_data([]).items() if key != "exported"},
        'the field "exported" is missing',
    ),
    "a field too many": (progress_data([], grade=100), '"grade" is not a field'),
    "unknown language": (progress_data([], language="fr"), '"language" must be one of "en", "es"'),
    "learner a number": (progress_data([], learner=7), '"learner" must be text of at most 200'),
    "learner too long": (progress_data([], learner="a" * 201), '"learner" must be text'),
    "exported not a time": (progress_data([], exported="yesterday"), '"exported" must be a time'),
    "attempts an object": (progress_data({}), '"attempts" must be a list of attempts'),
    "attempt a number": (progress_data([7]), "attempt 1: an attempt must be an object"),
    "attempt field missing": (
        progress_data([{key: v for key, v in attempt().items() if key != "score"}]),
        'attempt 1: the field "score" is missing',
    ),
    "score as text": (progress_data([attempt(score="1")]), 'attempt 1: "score" must be a number'),
    "score true": (progress_data([attempt(score=True)]), '"score" must be a number from 0 to 1'),
    "score above 1": (
        progress_data([attempt(status="correct", score=1.5)]),
        '"score" must be a number from 0 to 1',
    ),
    "correct but half": (
        progress_data([attempt(), attempt(status="correct", score=0.5)]),
        'attempt 2: the status "correct" does not go with the score 0.5',
    ),
    "partial but 0": (
        progress_data([attempt(status="partial", score=0)]),
        'the status "partial" does not go with the score 0',
    ),
    "incorrect but 1": (
        progress_data([attempt(status="incorrect", score=1)]),
        'the status "incorrect" does not go with the score 1',
    ),
    "unusable status": (
        progress_data([attempt(status="invalid", score=0)]),
        '"status" must be one of "correct", "partial", "incorrect"',
    ),
    "kind exercise": (
        progress_data([attempt(kind="exercise")]),
        '"kind" must be one of "question"',
    ),
    "time not a time": (progress_data([attempt(time="16:39")]), '"time" must be a time in ISO'),
    "month 13": (
        progress_data([attempt(time="2026-13-07T16:39:12.345Z")]),
        '"time" must be a time in ISO',
    ),
    "time without zone": (
        progress_data([attempt(time="2026-12-07T16:39:12.345")]),
        '"time" must be a time in ISO',
    ),
    "item a number": (progress_data([{**attempt(), "item": 1}]), '"item" must be text'),
    "item too long": (progress_data([attempt(item="x" * 101)]), '"item" must be text of at most'),
    "answer an object": (progress_data([attempt(answer={"a": 1})]), '"answer" must be text'),
    "answer numbers": (progress_data([attempt(answer=[1, 2])]), '"answer" must be text'),
    "answer too long": (progress_data([attempt(answer="x" * 10_001)]), '"answer" must be text'),
    "huge attempts list": (
        progress_data([0] * (MAX_ATTEMPTS + 1)),
        f"holds {MAX_ATTEMPTS + 1} attempts, more than the {MAX_ATTEMPTS}",
    ),
}


@pytest.mark.parametrize("content, words", list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_bad_progress_file_is_refused_with_its_message_and_nothing_imported(
    tmp_path, capsys, content, words
):
    """Each kind of bad file: one line naming the file and what is wrong, exit status 2, no
    traceback, and the learner's progress as it was."""
    record_attempt("overview.q01", "overview", True, 1.0)
    path = write(tmp_path / "tipcourse-progress.json", content)
    code = main(["progress", "--import", str(path)])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert words in captured.err and str(path) in captured.err, captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert captured.out == ""
    assert attempts()["item_id"].tolist() == ["overview.q01"]


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, capsys):
    """Over 20 MB (a sparse file: nothing is written to disk) is refused by its size alone."""
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:
        file.truncate(MAX_BYTES + 1)
    assert main(["progress", "--import", str(path)]) == 2
    error = capsys.readouterr().err
    assert f"{path} is larger than 20 MB" in error and "Traceback" not in error


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda folder: folder / "nowhere.json", "There is no file"),
        (lambda folder: folder, "is not a file"),
    ],
    ids=["missing", "a folder"],
)
def test_a_missing_file_or_a_folder_is_named(tmp_path, capsys, make, words):
    """No such file, or a folder given for the file: the path and what to give instead."""
    assert main(["progress", "--import", str(make(tmp_path))]) == 2
    error = capsys.readouterr().err
    assert words in error and str(tmp_path) in error and "Traceback" not in error


def test_the_messages_are_in_spanish_with_lang_es(tmp_path, capsys):
    """The same refusal in Spanish, addressing the learner as tú."""
    path = write(tmp_path / "p.json", progress_data([], version=3))
    assert main(["progress", "--import", str(path), "--lang", "es"]) == 2
    error = capsys.readouterr().err
    assert "versión 3" in error and "actualiza tipcourse" in error


def test_the_reader_gives_a_typed_record_in_utc(tmp_path):
    """read_progress_file: the file's learner, language and export time, and each attempt with its
    time in UTC (an offset converted), its section from the course bank and its answer."""
    listed = [
        attempt(MULTIPLE, "2026-12-07T10:39:12.345-06:00", "partial", 0.5, ["a", "c"]),
        attempt(TRUEFALSE, "2026-12-07T16:39:20Z", "incorrect", 0, False, section="protection"),
        attempt("prosecution.q99", "2026-12-07T16:39:30.000Z"),
    ]
    found = read_progress_file(write(tmp_path / "p.json", progress_data(listed, " Ana ")))
    assert (found.learner, found.language, found.unknown) == ("Ana", "en", 1)
    assert found.exported == datetime(2026, 12, 7, 16, 40, tzinfo=timezone.utc)
    first, second = found.attempts
    assert first.time == datetime(2026, 12, 7, 16, 39, 12, 345000, tzinfo=timezone.utc)
    assert (first.item, first.status, first.score, first.answer) == (
        MULTIPLE,
        "partial",
        0.5,
        ("a", "c"),
    )
    assert second.section == "prosecution" and second.answer is False and not second.correct


# -- importing ----------------------------------------------------------------------------------


def imported_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.err == "", captured.err
    return captured.out


def test_import_adds_the_attempts_with_their_own_times(tmp_path, capsys):
    """The attempts land in the current learner's progress with the times the website wrote."""
    path = write(tmp_path / "p.json", progress_data(TWO_ATTEMPTS, learner="Ana"))
    assert main(["progress", "--import", str(path)]) == 0
    out = imported_line(capsys)
    assert f"Imported {path} into the progress of test-learner" in out
    assert "2 attempt(s) added, 0 already there, 0 skipped" in out
    frame = attempts()
    assert frame["item_id"].tolist() == [MULTIPLE, SINGLE]
    assert frame["score"].tolist() == [0.5, 1.0] and frame["correct"].tolist() == [False, True]
    assert frame["section"].tolist() == ["prosecution", "prosecution"]
    assert [time.isoformat() for time in frame["time"]] == [
        "2026-12-07T16:39:12.345000+00:00",
        "2026-12-07T16:39:20+00:00",
    ]


def test_importing_the_same_file_twice_adds_nothing(tmp_path, capsys):
    """A second import finds every attempt already there; a later download adds only what is
    new, and attempts recorded in notebooks stay as they were."""
    record_attempt(SINGLE, "prosecution", False, 0.0)
    path = write(tmp_path / "p.json", progress_data(TWO_ATTEMPTS))
    assert main(["progress", "--import", str(path)]) == 0
    capsys.readouterr()
    assert main(["progress", "--import", str(path)]) == 0
    assert "0 attempt(s) added, 2 already there" in imported_line(capsys)
    later = [*TWO_ATTEMPTS, attempt(TRUEFALSE, "2026-12-08T09:00:00.000Z")]
    write(path, progress_data(later))
    assert main(["progress", "--import", str(path)]) == 0
    assert "1 attempt(s) added, 2 already there" in imported_line(capsys)
    assert len(attempts()) == 4


def test_unknown_items_are_skipped_and_counted(tmp_path, capsys):
    """An item the course bank does not have (a newer website) is skipped, not fatal."""
    listed = [attempt(), attempt("prosecution.q99"), attempt("prosecution.e01")]
    path = write(tmp_path / "p.json", progress_data(listed))
    assert main(["progress", "--import", str(path)]) == 0
    assert "1 attempt(s) added, 0 already there, 2 skipped" in imported_line(capsys)
    assert attempts()["item_id"].tolist() == [SINGLE]


def test_imported_attempts_show_in_tipcourse_progress(tmp_path, capsys):
    """`tipcourse progress` afterwards counts them in their section."""
    path = write(tmp_path / "p.json", progress_data(TWO_ATTEMPTS))
    main(["progress", "--import", str(path)])
    capsys.readouterr()
    assert main(["progress"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "Prosecution" in line)
    assert row.split()[1:4] == ["2", "1", "1.5"]


def test_import_for_another_learner(tmp_path, capsys):
    """--learner NAME imports into that learner's progress; "all" is not a learner."""
    path = write(tmp_path / "p.json", progress_data(TWO_ATTEMPTS))
    assert main(["progress", "--import", str(path), "--learner", "bea"]) == 0
    assert "into the progress of bea" in imported_line(capsys)
    assert len(attempts("bea")) == 2 and len(attempts()) == 0
    assert main(["progress", "--import", str(path), "--learner", "all"]) == 2
    error = capsys.readouterr().err
    assert "cannot be a learner's name" in error and "Nothing was imported" in error


def test_import_and_reset_together_are_refused(tmp_path, capsys):
    """--import and --reset do not go together; nothing changes."""
    path = write(tmp_path / "p.json", progress_data(TWO_ATTEMPTS))
    assert main(["progress", "--import", str(path), "--reset", "--yes"]) == 2
    assert "not both" in capsys.readouterr().err and len(attempts()) == 0


def test_an_import_that_fails_half_way_imports_nothing(tmp_path, capsys):
    """The second row fails to be written (a trigger stands for a full disk): the first is
    rolled back too, the message says nothing was imported, and the status is 1."""
    record_attempt("overview.q01", "overview", True, 1.0)
    with sqlite3.connect(database_path()) as connection:
        connection.execute(
            f"CREATE TRIGGER full_disk BEFORE INSERT ON attempts WHEN NEW.item_id = '{SINGLE}'"
            " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    path = write(tmp_path / "p.json", progress_data(TWO_ATTEMPTS))
    assert main(["progress", "--import", str(path)]) == 1
    error = capsys.readouterr().err
    assert "Nothing was imported (database or disk is full)" in error
    assert "Traceback" not in error
    assert attempts()["item_id"].tolist() == ["overview.q01"]


def test_an_unwritable_home_imports_nothing_and_says_so(tmp_path, monkeypatch, capsys):
    """A home that cannot be created: status 1 and a line saying nothing was imported."""
    blocker = write(tmp_path / "a-file", "not a folder")
    monkeypatch.setenv("TIPCOURSE_HOME", str(blocker / "home"))
    path = write(tmp_path / "p.json", progress_data(TWO_ATTEMPTS))
    assert main(["progress", "--import", str(path)]) == 1
    error = capsys.readouterr().err
    assert "Nothing was imported" in error and "TIPCOURSE_HOME" in error
    assert len(attempts()) == 0


# -- analysing a folder of progress files --------------------------------------------------------


@pytest.fixture
def collected(tmp_path):
    """The folder of the hand-worked case, with one broken file and one that is not JSON."""
    folder = tmp_path / "collected"
    write(
        folder / "ana.json",
        progress_data(
            [
                attempt(SINGLE, "2026-12-01T10:00:00.000Z", "incorrect", 0, "b"),
                attempt(SINGLE, "2026-12-01T10:01:00.000Z", "correct", 1, "a"),
                attempt(TRUEFALSE, "2026-12-01T10:02:00.000Z", "correct", 1, True),
            ],
            learner="Ana",
        ),
    )
    write(folder / "bea.json", progress_data([attempt(SINGLE, answer="a")]))
    write(
        folder / "carl-1.json",
        progress_data(
            [attempt(TRUEFALSE, "2026-12-03T10:00:00.000Z", "incorrect", 0, False)],
            learner="Carl",
        ),
    )
    write(
        folder / "carl-2.json",
        progress_data(
            [
                attempt(TRUEFALSE, "2026-12-02T10:00:00.000Z", "correct", 1, True),
                attempt(SINGLE, "2026-12-02T10:01:00.000Z", "incorrect", 0, "c"),
            ],
            learner=" carl ",
        ),
    )
    write(folder / "broken.json", progress_data([attempt(status="correct", score=0.5)]))
    write(folder / "notes.txt", "not a progress file, and not *.json")
    return folder


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_analyze_receipts_gives_the_hand_computed_first_try_facility(collected, tmp_path, capsys):
    """First attempts, learners merged across files by name, a question not tried left out
    (not 0): the facilities and the discrimination are the hand-computed ones."""
    out = tmp_path / "practice"
    assert main(["analyze", "--receipts", str(collected), "--out", str(out)]) == 0
    items = {row["item"]: row for row in rows(out / "items.csv")}
    assert list(items) == [SINGLE, TRUEFALSE]
    got = {
        item: [row[c] for c in ("responses", "mean_points", "facility", "discrimination", "flag")]
        for item, row in items.items()
    }
    assert got[SINGLE] == ["3", "0.3333", "0.3333", "-1", "discriminates the wrong way"]
    assert got[TRUEFALSE][:3] == ["2", "1", "1"]
    options = [
        (row["option"], row["count"], row["share"], row["right"])
        for row in rows(out / "options.csv")
        if row["item"] == SINGLE
    ]
    assert options == [
        ("a", "1", "0.3333", "yes"),
        ("b", "1", "0.3333", "no"),
        ("c", "1", "0.3333", "no"),
        ("d", "0", "0", "no"),
    ]
    assert TRUEFALSE not in {row["item"] for row in rows(out / "options.csv")}


def test_analyze_receipts_marks_everything_as_self_reported(collected, tmp_path, capsys):
    """The summary line, both CSV files (a last column on every row, still plain CSV) and the
    report's title and opening all say the data are self-reported practice, not grades."""
    out = tmp_path / "practice"
    main(["analyze", "--receipts", str(collected), "--out", str(out)])
    printed = capsys.readouterr().out
    assert "Self-reported practice data, not grades: analysed 2 question(s)" in printed
    assert "by 3 learner(s) in 4 progress file(s)" in printed
    for name in ("items.csv", "options.csv"):
        table = rows(out / name)
        assert {row["source"] for row in table} == {"self-reported practice, first attempt"}
    page = (out / "report.html").read_text("utf-8")
    assert "<h1>Item analysis of practice data (self-reported)</h1>" in page
    assert "first attempt" in page and "not grades" in page
    assert "Progress files in collected: 4 file(s), 3 learner(s), 2 question(s)" in page
    assert "Files left out (each could not be read as a progress file): broken.json." in page


def test_analyze_receipts_skips_a_bad_file_by_name(collected, tmp_path, capsys):
    """A broken file is named with why on standard error; the others are analysed."""
    out = tmp_path / "practice"
    assert main(["analyze", "--receipts", str(collected), "--out", str(out)]) == 0
    error = capsys.readouterr().err
    assert f"Left out: {collected / 'broken.json'}, attempt 1: the status" in error
    assert "Traceback" not in error and "notes.txt" not in error


def test_analyze_receipts_with_no_usable_file_writes_nothing(tmp_path, capsys):
    """Only bad files, or none at all: exit status 2, the folder named, no output folder."""
    folder = tmp_path / "collected"
    write(folder / "broken.json", "{")
    out = tmp_path / "practice"
    assert main(["analyze", "--receipts", str(folder), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "None of the 1 .json file(s)" in error and "broken.json is not a progress" in error
    assert "Nothing was written." in error and not out.exists()
    os.remove(folder / "broken.json")
    assert main(["analyze", "--receipts", str(folder), "--out", str(out)]) == 2
    assert "holds no progress file" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["gradebook.csv", "--assignment", "hw", "--receipts", "collected"],
        ["--assignment", "hw", "--receipts", "collected"],
        ["gradebook.csv"],
        [],
    ],
    ids=["both modes", "assignment and receipts", "gradebook alone", "neither"],
)
def test_analyze_takes_exactly_one_mode(tmp_path, capsys, arguments):
    """GRADEBOOK with --assignment, or --receipts: anything else is refused with status 2."""
    out = tmp_path / "practice"
    assert main(["analyze", *arguments, "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "Give either GRADEBOOK with --assignment" in error and not out.exists()
