"""Each question type, answered in JupyterLab with the mouse: wrong, right, hint and evidence.

One question of each type is taken from ``tipcourse.questions()``; the answers and the texts
expected on screen come from the bank, never from this file.
"""

from __future__ import annotations

import pytest
from jupyter_browser import (
    QuestionWidget,
    clean,
    pick_questions,
    right_answer,
    shown_markdown,
    write_notebook,
    wrong_answer,
)

from tipcourse.engine.outcome import label
from tipcourse.report.messages import message

TYPES = ("single", "multiple", "truefalse", "numeric", "text", "order")
CHOSEN = pick_questions()
NAME = "browser-question-types.ipynb"


@pytest.fixture(scope="module")
def notebook(lab_server, module_notebook):
    """A notebook made now in the workspace: ``import tipcourse``, then one question per type."""
    cells = ["import tipcourse"] + [f"tipcourse.show({CHOSEN[kind].id!r})" for kind in TYPES]
    write_notebook(lab_server.workspace / NAME, cells)
    opened = module_notebook(lab_server, NAME)
    opened.run_all()
    errors, _ = opened.errors()
    assert not errors, errors
    return opened


def test_every_type_is_in_the_bank():
    assert sorted(CHOSEN) == sorted(TYPES)


@pytest.mark.parametrize("kind", TYPES)
def test_question_type_in_the_browser(notebook, kind):
    """Wrong answer → ✗ and that answer's feedback; right answer → ✓ and the explanation;
    Hint → the first hint; Show evidence → every quote. Results are in words, not colour."""
    question = CHOSEN[kind]
    widget = QuestionWidget(notebook.page, question.id)
    widget.box.scroll_into_view_if_needed()
    assert widget.box.count() == 1, f"{question.id} is not on the page"
    # No visible label whose hover text is the word "null" (an unset ipywidgets tooltip).
    assert widget.box.locator("label[title='null']:visible").count() == 0

    # Wrong: the feedback the bank gives for this wrong answer, with ✗ and a word.
    shown_order = widget.order_shown() if kind == "order" else None
    wrong, feedback = wrong_answer(question, shown_order)
    expected = question.evaluate(wrong)
    assert expected.correct is False and feedback in clean(expected.message)
    widget.choose(question, wrong)
    widget.check()
    shown = widget.wait_text(widget.feedback(), [label(expected), feedback])
    assert "✗" in shown and "✓" not in shown
    assert message("outcome.label.incorrect") in shown or message("outcome.label.partial") in shown

    # Right: ✓ Correct and the explanation.
    right = right_answer(question)
    assert question.evaluate(right).status == "correct"
    widget.choose(question, right)
    widget.check()
    shown = widget.wait_text(
        widget.feedback(),
        [
            f"✓ {message('outcome.label.correct')}",
            shown_markdown(question.explanation),
            message("widget.attempts", count=2),
        ],
    )
    assert "✗" not in shown

    # Hint: the first hint, numbered.
    widget.button("Hint").click()
    if question.hints:
        hint = f"{message('widget.hint_numbered', number=1, total=len(question.hints))} "
        widget.wait_text(widget.box, [shown_markdown(hint + question.hints[0])])
    else:
        widget.wait_text(widget.box, [message("widget.no_hints")])

    # Evidence: every quote from the report, each in a blockquote.
    widget.button("Show evidence").click()
    widget.wait_text(widget.box, [message("widget.evidence_heading")])
    quotes = widget.wait_text(widget.box.locator("blockquote"), question.evidence)
    assert all(clean(quote) in quotes for quote in question.evidence)
