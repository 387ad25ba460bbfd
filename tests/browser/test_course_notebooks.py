"""Every course notebook opens in JupyterLab 4 and runs from top to bottom without an error."""

from __future__ import annotations

import pytest
from jupyter_browser import NOTEBOOKS, write_notebook

COURSE = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def test_the_course_has_notebooks():
    """The list below is taken from notebooks/; an empty folder must not pass unnoticed."""
    assert COURSE, f"no notebooks in {NOTEBOOKS}"


@pytest.mark.parametrize("name", COURSE)
def test_notebook_runs_all_cells_without_an_error(lab_server, open_notebook, name):
    """Open the notebook, Run → Run All Cells, wait for the idle kernel and every prompt
    numbered, then no cell shows a traceback, an error output or a widget that failed."""
    notebook = open_notebook(lab_server, name)
    prompts = notebook.run_all()
    numbers = [int(prompt[1:-2]) for prompt in prompts if prompt[1:-2].isdigit()]
    # A fresh kernel numbers the cells it runs 1, 2, 3, ... in order.
    assert numbers == list(range(1, len(numbers) + 1)), prompts
    errors, notes = notebook.errors()
    for note in notes:
        print(f"{name}, code cell {note['cell'] + 1}, stderr: {note['text']}")
    assert not errors, "\n\n".join(
        f"{name}, code cell {error['cell'] + 1} ({error['kind']}):\n{error['text']}"
        for error in errors
    )
    # The widgets came back from the kernel: each question shows its Check button.
    questions = notebook.page.locator(".tipcourse-question")
    for index in range(questions.count()):
        assert questions.nth(index).get_by_role("button", name="Check", exact=True).count() == 1


def test_the_error_check_sees_a_failing_cell(lab_server, open_notebook):
    """The check above is not blind: a cell that raises is reported, with its traceback."""
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
