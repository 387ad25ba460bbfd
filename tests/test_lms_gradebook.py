"""Filling a gradebook exported from Canvas or Moodle: matched on the id column, never guessed."""

from __future__ import annotations

import csv
import io

import pytest

from tipcourse.engine import outcome
from tipcourse.instructor._cells import ManifestEntry
from tipcourse.instructor.grading._grade import Key, Result
from tipcourse.instructor.lms._fill import (
    LmsGradebookError,
    fill_lms_gradebook,
    possible_points,
    read_lms_gradebook,
)

# A Canvas export: UTF-8 with a byte-order mark, the "Points Possible" row under the header.
CANVAS = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Homework 1 (4411),Current Score\n"
    "    Points Possible,,,,,10,(read only)\n"
    '"Alvarez, Ana",101,S001,ana.alvarez,Section A,8,80\n'
    '"Brun, Bea",102,S002,BEA.BRUN,Section A,,\n'
    '"Cruz, Carl",103,S003,carl.cruz,Section B,7,70\n'
    '"Duplicate, Dan",104,S004,dan,Section B,,\n'
    '"Duplicate, Dan",105,S005,dan,Section B,,\n'
    '"Student, Test",106,,,Section A,,\n'
)
# A Moodle export ("Export to plain text file").
MOODLE = (
    '"First name","Last name","ID number","Institution","Department","Email address",'
    '"Assignment: Homework 1 (Real)","Course total (Real)","Last downloaded from this course"\n'
    "Ana,Alvarez,S001,Uni,Law,ana@example.edu,-,8.00,1714000000\n"
    "Bea,Brun,S002,Uni,Law,bea@example.edu,-,7.00,1714000000\n"
)

ITEMS = [
    ManifestEntry("prosecution.q01", "question", 1),
    ManifestEntry("prosecution.e01", "exercise", 2),
]


def result(submission, learner, *right, items=ITEMS):
    """A graded submission whose items in ``right`` are right and the others wrong."""
    return Result(
        submission,
        "ok",
        learner=learner,
        items=items,
        outcomes={
            info.id: outcome.correct("") if info.id in right else outcome.incorrect("")
            for info in items
        },
    )


def rows_of(path):
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


@pytest.fixture
def canvas(tmp_path):
    path = tmp_path / "canvas-grades.csv"
    path.write_text(CANVAS, "utf-8")
    return path


def test_canvas_scores_go_into_a_new_column_and_everything_else_stays(canvas):
    """Learners match the SIS Login ID (any case, trimmed); the new column goes last, with the
    maximum in the Points Possible row; other cells, rows and the column order are kept."""
    results = [
        result("ana.ipynb", " Ana.Alvarez ", "prosecution.q01", "prosecution.e01"),
        result("bea.ipynb", "bea.brun", "prosecution.e01"),
    ]
    filled = fill_lms_gradebook(
        read_lms_gradebook(canvas),
        results,
        "tipcourse HW1",
        possible_points(Key({"hw.ipynb": ITEMS})),
    )
    assert filled.path == canvas.with_name("canvas-grades-filled.csv")
    assert (filled.id_column, filled.matched, filled.unmatched) == ("SIS Login ID", 2, [])
    before, after = rows_of(canvas), rows_of(filled.path)
    assert after[0] == before[0] + ["tipcourse HW1"]
    assert [row[:-1] for row in after] == before  # nothing else changed
    assert [row[-1] for row in after[1:]] == ["3", "3", "2", "", "", "", ""]
    assert filled.path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Canvas wrote
    assert canvas.read_text("utf-8") == CANVAS  # the export itself is never overwritten


def test_an_existing_column_is_filled_in_place_and_unsubmitted_rows_keep_their_cell(canvas):
    """Naming an existing column (any case) fills it where it is; a row with no submission keeps
    what it had."""
    results = [result("ana.ipynb", "ana.alvarez", "prosecution.q01")]
    filled = fill_lms_gradebook(read_lms_gradebook(canvas), results, "homework 1 (4411)", 3)
    after = rows_of(filled.path)
    assert after[0] == rows_of(canvas)[0]
    assert [row[5] for row in after[1:5]] == ["3", "1", "", "7"]  # max, Ana, Bea, Carl kept


def test_unmatched_learners_are_listed_and_never_guessed(canvas):
    """A learner not in the file, one in it twice, and a submission with no learner are listed;
    their scores go nowhere."""
    results = [
        result("ana.ipynb", "ana.alvarez", "prosecution.q01"),
        result("zoe.ipynb", "zoe", "prosecution.q01"),
        result("dan.ipynb", "DAN", "prosecution.q01"),
        result("blank.ipynb", "", "prosecution.q01"),
    ]
    filled = fill_lms_gradebook(read_lms_gradebook(canvas), results, "HW1", 3)
    assert filled.matched == 1
    assert filled.unmatched == [
        "learner zoe (zoe.ipynb) is not in the column SIS Login ID",
        "learner dan (dan.ipynb) is in the column SIS Login ID more than once (rows 6, 7)",
        "blank.ipynb has no learner name",
    ]
    assert [row[-1] for row in rows_of(filled.path)[1:]] == ["3", "1", "", "", "", "", ""]


def test_a_learners_notebooks_are_summed_and_a_resubmission_counts_as_told(canvas):
    """Two notebooks of one learner add up; the same item graded twice is never chosen between
    silently: the learner is listed, unless --prefer says which counts."""
    other = [ManifestEntry("overview.q01", "question", 1)]
    results = [
        result("ana-04.ipynb", "ana.alvarez"),
        result("ana-01.ipynb", "ana.alvarez", "overview.q01", items=other),
        result("ana-04-again.ipynb", "ana.alvarez", "prosecution.e01"),
    ]
    results[0].modified, results[2].modified = 200.0, 100.0  # the first is the later file
    key = Key({"04.ipynb": ITEMS, "01.ipynb": other})
    assert possible_points(key) == 4
    filled = fill_lms_gradebook(read_lms_gradebook(canvas), results, "HW1", 4)
    assert [row[-1] for row in rows_of(filled.path)[1:3]] == ["4", ""]
    assert filled.unmatched == [
        "learner ana.alvarez is named by several submissions that grade "
        "the same items (ana-04.ipynb, ana-01.ipynb, ana-04-again.ipynb): "
        "check who wrote which, or run again with --prefer latest or "
        "--prefer highest"
    ]
    latest = fill_lms_gradebook(read_lms_gradebook(canvas), results, "HW1", 4, prefer="latest")
    assert [row[-1] for row in rows_of(latest.path)[1:3]] == ["4", "1"]
    highest = fill_lms_gradebook(read_lms_gradebook(canvas), results, "HW1", 4, prefer="highest")
    assert [row[-1] for row in rows_of(highest.path)[1:3]] == ["4", "3"]


def test_a_moodle_export_matches_on_the_column_learners_wrote(tmp_path):
    """Learners who wrote their e-mail match on "Email address", not on "ID number"."""
    export = tmp_path / "moodle.csv"
    export.write_text(MOODLE, "utf-8")
    results = [
        result("a.ipynb", "ANA@example.edu", "prosecution.q01"),
        result("b.ipynb", "bea@example.edu"),
    ]
    filled = fill_lms_gradebook(
        read_lms_gradebook(export), results, "Assignment: Homework 1 (Real)", 3
    )
    assert (filled.id_column, filled.matched) == ("Email address", 2)
    after = rows_of(filled.path)
    assert [row[6] for row in after[1:]] == ["1", "0"] and after[1][7] == "8.00"
    assert not filled.path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_export_with_no_id_column_names_its_columns_and_the_names_looked_for(tmp_path):
    """The error lists the columns found and the id columns tipcourse looks for."""
    export = tmp_path / "grades.csv"
    export.write_text("Name,Homework\nAna,8\n", "utf-8")
    with pytest.raises(LmsGradebookError) as error:
        read_lms_gradebook(export)
    text = str(error.value)
    assert str(export) in text and "Its columns: Name, Homework." in text
    assert "SIS Login ID" in text and "Email address" in text and "Username" in text


@pytest.mark.parametrize("content", [b"PK\x03\x04\x00\xff\xfe binary", b""])
def test_a_file_that_is_not_a_csv_is_refused(tmp_path, content):
    """A spreadsheet file or an empty file is not taken for an export."""
    export = tmp_path / "grades.xlsx"
    export.write_bytes(content)
    with pytest.raises(LmsGradebookError, match="is not a CSV gradebook"):
        read_lms_gradebook(export)
