"""The instructor's side in Spanish: assign a Spanish handout, grade it like an English one."""

from __future__ import annotations

import csv
import os

import nbformat
import pytest

from tipcourse import cli
from tipcourse.report import messages

NOTEBOOK = "03-recommendations.ipynb"


@pytest.fixture
def restore_language(monkeypatch):
    """``--lang`` sets the language of the process: put it back as it was after the test."""
    monkeypatch.setattr(messages, "_chosen", messages._chosen)
    monkeypatch.setenv("TIPCOURSE_LANG", os.environ.get("TIPCOURSE_LANG", "en"))


def role(cell):
    return cell.metadata.get("tipcourse", {}).get("role")


def graded(tmp_path, language):
    """Assign notebook 03 in ``language``; grade its key and its blank student notebook."""
    out = tmp_path / language
    assert cli.main(["assign", "--notebooks", "03", "--out", str(out), "--lang", language]) == 0
    gradebook = tmp_path / f"{language}.csv"
    code = cli.main(
        [
            "grade",
            str(out / "key" / NOTEBOOK),
            str(out / "student" / NOTEBOOK),
            "--out",
            str(gradebook),
            "--assignment",
            str(out),
            "--jobs",
            "2",
            "--lang",
            language,
        ]
    )
    assert code == 0
    feedback = (tmp_path / f"{language}-feedback" / NOTEBOOK.replace(".ipynb", ".md")).read_text(
        "utf-8"
    )
    with open(gradebook, encoding="utf-8") as handle:
        return out, list(csv.DictReader(handle)), feedback


def test_a_spanish_assignment_is_spanish_and_grades_like_the_english_one(
    tmp_path, restore_language
):
    spanish, spanish_rows, spanish_feedback = graded(tmp_path, "es")
    english, english_rows, english_feedback = graded(tmp_path, "en")
    student = nbformat.read(spanish / "student" / NOTEBOOK, as_version=4)
    text = "\n".join(cell.source for cell in student.cells)
    assert "Nota sobre el contenido" in text and "tipcourse.set_language('es')" in text
    assert "Content note" not in text
    cells = student.cells
    printed = [i for i, c in enumerate(cells) if role(c) == "reading" and "print(" in c.source]
    assert printed and all(role(cells[i + 1]) == "translation" for i in printed)
    assert (spanish / "key" / "answer-key.md").read_text("utf-8").startswith("# Clave")
    # The same items, points and scores: the key earns every point, the blank handout none.
    assert [(r["score"], r["max_score"]) for r in spanish_rows] == [
        (r["score"], r["max_score"]) for r in english_rows
    ]
    assert float(spanish_rows[0]["score"]) > 0 and spanish_rows[1]["score"] == "0"
    # The gradebook is the same file in both languages; the feedback is in the instructor's.
    assert list(spanish_rows[0]) == list(english_rows[0])
    assert "Puntuación:" in spanish_feedback and "Score:" not in spanish_feedback
    assert "Score:" in english_feedback
    # The item analysis of the Spanish gradebook, in Spanish.
    report = tmp_path / "analysis"
    gradebook, assignment = str(tmp_path / "es.csv"), str(spanish)
    arguments = [gradebook, "--assignment", assignment, "--out", str(report), "--lang", "es"]
    assert cli.main(["analyze", *arguments]) == 0
    page = (report / "report.html").read_text("utf-8")
    assert '<html lang="es">' in page and "Análisis de ítems" in page
