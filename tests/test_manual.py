"""Manual grading: the -manual.csv file, filled in by the instructor and merged by --manual."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from tipcourse.cli import main

TEXT = "The report counts convictions, not victims' outcomes; I would want case records."


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """An assignment of one question and the Prosecution reflection; one submission that wrote
    a reflection, graded once."""
    folder = tmp_path_factory.mktemp("manual")
    assert (
        main(
            ["assign", "--items", "prosecution.q01", "prosecution.w01", "--out", str(folder / "hw")]
        )
        == 0
    )
    notebook = nbformat.read(folder / "hw" / "key" / "04-prosecution.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("tipcourse", {}).get("role") == "written":
            cell.source = f"*Your reflection:*\n\n{TEXT}"
        if cell.metadata.get("tipcourse", {}).get("role") == "learner":
            cell.source = 'learner = "ana"'
    submission = folder / "ana.ipynb"
    nbformat.write(notebook, submission)
    out = folder / "gradebook.csv"
    assert (
        main(
            [
                "grade",
                str(submission),
                "--assignment",
                str(folder / "hw"),
                "--out",
                str(out),
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    return {"folder": folder, "submission": submission, "out": out}


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(open(path, encoding="utf-8")))


def test_grade_writes_the_learners_text_with_an_empty_score(graded):
    """gradebook-manual.csv: submission, learner, item, the text, max points, an empty score;
    the gradebook leaves the item's cell empty and counts it as pending."""
    [row] = rows(graded["out"].with_name("gradebook-manual.csv"))
    assert row == {
        "submission": str(graded["submission"]),
        "learner": "ana",
        "item": "prosecution.w01",
        "text": TEXT,
        "max_points": "5",
        "score": "",
    }
    [book] = rows(graded["out"])
    assert book["manual_pending"] == "1" and book["prosecution.w01"] == ""
    assert book["score"] == book["prosecution.q01"] != "0"


def test_manual_scores_are_merged_and_kept(graded, tmp_path, capsys):
    """--manual with a filled-in file: the score counts, nothing is pending, and the new manual
    file keeps the score (filling it in over several sittings loses nothing)."""
    manual = graded["out"].with_name("gradebook-manual.csv")
    table = rows(manual)
    table[0]["score"] = "3.5"
    table.append({**table[0], "submission": "someone-else.ipynb", "score": "2"})
    filled = tmp_path / "filled.csv"
    with open(filled, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    out = tmp_path / "gradebook.csv"
    assert (
        main(
            [
                "grade",
                str(graded["submission"]),
                "--assignment",
                str(graded["folder"] / "hw"),
                "--out",
                str(out),
                "--manual",
                str(filled),
            ]
        )
        == 0
    )
    [book] = rows(out)
    assert book["manual_pending"] == "0" and book["prosecution.w01"] == "3.5"
    assert float(book["score"]) == float(book["prosecution.q01"]) + 3.5
    assert rows(out.with_name("gradebook-manual.csv"))[0]["score"] == "3.5"
    printed = capsys.readouterr().out
    assert (
        "someone-else.ipynb · prosecution.w01" in printed and "every answer has a score" in printed
    )
    feedback = (tmp_path / "gradebook-feedback" / "ana.md").read_text("utf-8")
    assert "graded by hand" in feedback


@pytest.mark.parametrize(
    "content, words",
    [
        ("submission,item\nx,y\n", "needs the columns"),
        (
            "submission,learner,item,text,max_points,score\nx,,prosecution.w01,t,5,lots\n",
            "row 2: the score 'lots' is not a number",
        ),
        (
            "submission,learner,item,text,max_points,score\nx,,prosecution.w01,t,5,9\n",
            "row 2: the score '9' is outside 0 to 5",
        ),
        ("", "needs the columns"),
    ],
)
def test_a_bad_manual_file_stops_before_grading(tmp_path, capsys, content, words):
    """A manual file with the wrong columns or a bad score: exit 2, the row named, and nothing
    graded or written."""
    bad = tmp_path / "manual.csv"
    bad.write_text(content, "utf-8")
    out = tmp_path / "gradebook.csv"
    assert (
        main(["grade", str(tmp_path / "nothing.ipynb"), "--out", str(out), "--manual", str(bad)])
        == 2
    )
    error = capsys.readouterr().err
    assert words in error and "Nothing was graded" in error and "Traceback" not in error
    assert not out.exists()
