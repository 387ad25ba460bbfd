"""The core path in Jupyter Notebook 7: open a notebook, run it, answer, see feedback.

The notebook shows the first question of the start-here notebook, as that notebook does;
the course notebooks themselves are executed once per test run, by nbval.
"""

from __future__ import annotations

from jupyter_browser import (
    QuestionWidget,
    questions_shown,
    right_answer,
    shown_markdown,
    write_notebook,
    wrong_answer,
)

import tipcourse
from tipcourse.engine.outcome import label
from tipcourse.report.messages import message

START = "00-start-here.ipynb"
NAME = "browser-notebook7.ipynb"


def test_core_path_in_notebook_7(notebook7_server, open_notebook):
    """A notebook opens in Notebook 7 at /notebooks/, Run All Cells finishes without an
    error, and the start-here notebook's first question answers a wrong and then a right
    answer in words."""
    write_notebook(
        notebook7_server.workspace / NAME,
        ["import tipcourse", f'tipcourse.show("{questions_shown(START)[0]}")'],
    )
    notebook = open_notebook(notebook7_server, NAME)
    page = notebook.page
    assert "/notebooks/" in page.url
    # Notebook 7's single-document page, not JupyterLab's shell.
    assert page.evaluate("() => document.body.dataset.notebook") == "notebooks"
    assert not page.locator(".jp-LabShell, #jp-main-dock-panel").count(), "this is JupyterLab"
    notebook.run_all()
    errors, _ = notebook.errors()
    assert not errors, errors

    first = page.locator(".tc-question").first
    first.wait_for()
    question_id = first.get_attribute("data-question-id")
    question = tipcourse.question(question_id)
    widget = QuestionWidget(page, question.id)
    widget.box.scroll_into_view_if_needed()

    shown_order = widget.order_shown() if question.type == "order" else None
    wrong, feedback = wrong_answer(question, shown_order)
    widget.choose(question, wrong)
    widget.check()
    shown = widget.wait_text(widget.feedback(), [label(question.evaluate(wrong)), feedback])
    assert "✗" in shown

    widget.choose(question, right_answer(question))
    widget.check()
    shown = widget.wait_text(
        widget.feedback(),
        [f"✓ {message('outcome.label.correct')}", shown_markdown(question.explanation)],
    )
    assert shown_markdown(question.explanation) in shown
