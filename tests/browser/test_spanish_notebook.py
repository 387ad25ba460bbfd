"""The Spanish course in JupyterLab: notebook 00 in Spanish, answered through its widget.

The notebook's own cells (its setup, which sets the language whatever the server's environment
says; a reading with the course's translation under it; a question) are opened and run: the
translation shows, and the question's prompt, buttons and feedback are Spanish. Only those cells
are kept, so that JupyterLab draws all of them at once.
"""

from __future__ import annotations

import nbformat
from jupyter_browser import NOTEBOOKS, QuestionWidget, clean, right_answer, shown_text, wrong_answer

from tipcourse.engine._questions import QUESTIONS
from tipcourse.report.messages import in_language, message

NAME = "es-00-start-here.ipynb"
QUESTION = "assessment.q01"


def test_a_spanish_notebook_is_answered_in_spanish(lab_server, open_notebook):
    course = nbformat.read(NOTEBOOKS / "es" / "00-start-here.ipynb", as_version=4)
    kept = [
        cell
        for cell in course.cells
        if cell.metadata.get("tipcourse", {}).get("role") in ("setup", "reading", "translation")
        or QUESTION in cell.source
    ]
    assert [c.metadata["tipcourse"]["role"] for c in kept] == [
        "setup",
        "reading",
        "translation",
        "question",
    ]
    course.cells = kept
    nbformat.write(course, lab_server.workspace / NAME)
    question = QUESTIONS.load(language="es")[QUESTION]
    notebook = open_notebook(lab_server, NAME)
    notebook.run_all()
    page_text = shown_text(notebook.page.locator("body"))
    assert "Traducción propia del curso, no oficial" in page_text
    assert clean(question.prompt) in clean(page_text)
    with in_language("es"):
        widget = QuestionWidget(notebook.page, QUESTION)
        wrong, feedback = wrong_answer(question)
        widget.choose(question, wrong)
        widget.button(message("widget.check")).click()
        widget.wait_text(widget.feedback(), ["✗", feedback])
        widget.choose(question, right_answer(question))
        widget.button(message("widget.check")).click()
        widget.wait_text(widget.feedback(), [f"✓ {message('outcome.label.correct')}"])
        assert message("widget.check") == "Comprobar"
