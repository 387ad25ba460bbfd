"""Every course notebook opens in JupyterLab 4 and reads as a learner first sees it.

The course notebooks are executed once per test run, by nbval (``--nbval``), which proves
that a fresh kernel runs each one from top to bottom and gives the outputs stored in the
file. These tests only read those stored outputs, as a learner does before running
anything: they do not execute the notebooks again. What a live kernel adds in the browser
(widgets, Check, feedback, a restart) is tested on notebooks written for the purpose, in
the other modules of this folder.
"""

from __future__ import annotations

import time

import pytest
from jupyter_browser import NOTEBOOKS, questions_shown, shown_text, write_notebook

COURSE = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def test_the_course_has_notebooks():
    """The list below is taken from notebooks/; an empty folder must not pass unnoticed."""
    assert COURSE, f"no notebooks in {NOTEBOOKS}"


@pytest.mark.parametrize("name", COURSE)
def test_notebook_opens_with_readable_outputs(lab_server, open_notebook, name):
    """Open the notebook without running it: no stored output is an error or a widget that
    failed, each question it shows reads as static text (its id, prompt and options) until
    the learner runs the cell, and every chart has alternative text."""
    notebook = open_notebook(lab_server, name)
    page = notebook.page
    errors, _ = notebook.errors()
    assert not errors, "\n\n".join(
        f"{name}, code cell {error['cell'] + 1} ({error['kind']}):\n{error['text']}"
        for error in errors
    )
    assert page.locator(".jp-Notebook .jp-CodeCell").count() > 0
    # JupyterLab attaches the cells below the fold a little later: wait for the last ones.
    missing = questions_shown(name)
    deadline = time.monotonic() + 30
    while missing and time.monotonic() < deadline:
        outputs = shown_text(page.locator(".jp-Notebook .jp-OutputArea-output"))
        missing = [found for found in missing if f"{found} ·" not in outputs]
        page.wait_for_timeout(250)
    assert not missing, f"{name}: questions not shown as text: {missing}"
    images = page.locator(".jp-Notebook .jp-OutputArea-output img")
    for index in range(images.count()):
        alt = images.nth(index).get_attribute("alt") or ""
        assert alt.strip(), f"{name}: image {index + 1} has no alternative text"


def test_the_error_check_sees_a_failing_cell(lab_server, open_notebook):
    """The check above is not blind: a cell that raised is reported, with its traceback."""
    name = "browser-failing-cell.ipynb"
    write_notebook(
        lab_server.workspace / name,
        ["import sys\nprint('only a note', file=sys.stderr)", "1 / 0"],
    )
    notebook = open_notebook(lab_server, name)
    notebook.run_all()
    errors, notes = notebook.errors()
    assert [error["cell"] for error in errors] == [1], errors
    assert "ZeroDivisionError" in errors[0]["text"]
    assert [note["text"].strip() for note in notes] == ["only a note"]
