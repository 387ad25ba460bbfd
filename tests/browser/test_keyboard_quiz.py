"""A quiz completed with the keyboard alone in JupyterLab: no mouse once its cell has run.

Tab and Shift+Tab move between controls, Space chooses a radio option or ticks a box, typing
fills a text box, Enter and Space press buttons. The running score must follow every check.
"""

from __future__ import annotations

import time

from jupyter_browser import (
    HUMAN_PRESS_MS,
    QuestionWidget,
    clean,
    pick_questions,
    right_answer,
    shown_text,
    write_notebook,
)

from tipcourse.report.messages import message
from tipcourse.views._wording import number_text

NAME = "browser-keyboard-quiz.ipynb"
TYPES = ("single", "truefalse", "multiple", "numeric", "text", "order")
MAX_PRESSES = 200

# The control a spec names, inside the question whose header starts with spec.qid.
_FIND = """(spec) => {
  const box = [...document.querySelectorAll('.tipcourse-question')].find(b => {
    const header = b.querySelector('p > strong');
    return header && header.textContent.startsWith(spec.qid + ' ·');
  });
  if (!box) return null;
  if (spec.kind === 'choice') {
    const label = [...box.querySelectorAll('label')].find(l => {
      const text = l.textContent.trim();
      return spec.exact ? text === spec.label : text.startsWith(spec.label);
    });
    return label ? label.querySelector('input') : null;
  }
  if (spec.kind === 'textbox') return box.querySelector('input[type=text]');
  const buttons = [...box.querySelectorAll('button')]
    .filter(b => b.textContent.trim() === spec.name);
  return buttons[spec.index || 0] || null;
}"""

_WHERE = (
    "(spec) => { const find = "
    + _FIND
    + """;
  const target = find(spec);
  if (!target) return 'missing';
  const active = document.activeElement;
  if (active === target) return 'here';
  if (!active || active === document.body) return 'after';
  return (active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING)
    ? 'after' : 'before';
}"""
)

_IS_CHECKED = (
    "(spec) => { const find = " + _FIND + "; const e = find(spec); return !!(e && e.checked); }"
)


class Keyboard:
    """Moves the focus and presses keys; never clicks."""

    def __init__(self, page) -> None:
        self.page = page
        self.presses = 0

    def focus(self, **spec) -> None:
        """Tab (or Shift+Tab, when the control is above the focus) until it has the focus."""
        for _ in range(MAX_PRESSES):
            where = self.page.evaluate(_WHERE, spec)
            if where == "here":
                return
            assert where != "missing", f"no control {spec} on the page"
            self.press("Tab" if where == "after" else "Shift+Tab")
        raise AssertionError(f"{MAX_PRESSES} presses of Tab did not reach {spec}")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key, delay=HUMAN_PRESS_MS // 2)
        self.presses += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=HUMAN_PRESS_MS // 2)
        self.presses += len(text)

    def wait_focus(self, timeout: float = 10, **spec) -> None:
        deadline = time.monotonic() + timeout
        while self.page.evaluate(_WHERE, spec) != "here":
            assert time.monotonic() < deadline, f"the focus did not move to {spec}"
            time.sleep(0.05)


def answer_with_keys(keys: Keyboard, widget: QuestionWidget, question) -> None:
    """Give the right answer to ``question`` with the keyboard only."""
    qid, kind, answer = question.id, question.type, right_answer(question)
    if kind in ("single", "truefalse"):
        if kind == "single":
            spec = {"qid": qid, "kind": "choice", "label": f"{answer}) ", "exact": False}
        else:
            spec = {
                "qid": qid,
                "kind": "choice",
                "exact": True,
                "label": widget.true_false_word(answer),
            }
        keys.focus(**spec)
        keys.press("Space")
        assert keys.page.evaluate(_IS_CHECKED, spec), f"{qid}: Space did not choose {answer!r}"
    elif kind == "multiple":
        for key in answer:
            spec = {"qid": qid, "kind": "choice", "label": f"{key}) ", "exact": False}
            keys.focus(**spec)
            keys.press("Space")
            assert keys.page.evaluate(_IS_CHECKED, spec), f"{qid}: Space did not tick {key}"
    elif kind in ("numeric", "text"):
        keys.focus(qid=qid, kind="textbox")
        keys.type(str(answer))
    elif kind == "order":
        for position, key in enumerate(answer):
            while (now := widget.order_shown().index(key)) != position:
                before = widget.order_shown()
                keys.focus(qid=qid, kind="button", name="Up", index=now)
                keys.press("Enter")
                widget._wait_order_change(before)
                # The moved item keeps the focus, so pressing again moves it further.
                if now - 1 > 0:
                    keys.wait_focus(qid=qid, kind="button", name="Up", index=now - 1)
                else:
                    keys.wait_focus(qid=qid, kind="button", name="Down", index=0)
    else:
        raise ValueError(kind)


def test_quiz_with_the_keyboard_alone(lab_server, open_notebook):
    """Every question of a quiz (one of each type) answered right with keys alone, Hint and
    Show evidence pressed with keys, and the score line updated after every check."""
    chosen = pick_questions()
    questions = [chosen[kind] for kind in TYPES]
    ids = [question.id for question in questions]
    write_notebook(
        lab_server.workspace / NAME,
        [f"import tipcourse\ntipcourse.quiz({ids!r})", ("markdown", "End of the quiz.")],
    )
    notebook = open_notebook(lab_server, NAME)
    page = notebook.page
    # Running the cell is the one step that may use the mouse: into the editor, Shift+Enter.
    notebook.code_cell(0).locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    page.locator(".tipcourse-question").nth(len(questions) - 1).wait_for(timeout=60_000)
    notebook.wait_kernel_idle()

    total = sum(float(question.points) for question in questions)

    def expected_score(earned: float, answered: int) -> str:
        return clean(
            message(
                "quiz.score",
                earned=number_text(earned),
                total=number_text(total),
                answered=answered,
                count=len(questions),
            )
        )

    # The quiz's heading area: the one whose text has the score line's opening words.
    score_line = page.locator(".widget-html-content", has_text=expected_score(0, 0).split(":")[0])

    assert expected_score(0, 0) in shown_text(score_line)
    keys = Keyboard(page)
    earned = 0.0
    for number, question in enumerate(questions, start=1):
        widget = QuestionWidget(page, question.id)
        answer_with_keys(keys, widget, question)
        keys.focus(qid=question.id, kind="button", name="Check")
        before = widget.checked_count()
        keys.press("Enter" if number % 2 else "Space")
        widget.wait_checked(before)
        widget.wait_text(widget.feedback(), [f"✓ {message('outcome.label.correct')}"])
        earned += float(question.points)
        widget.wait_text(score_line, [expected_score(earned, number)])

    # Hint with Space and Show evidence with Enter, on the last question.
    last = questions[-1]
    widget = QuestionWidget(page, last.id)
    keys.focus(qid=last.id, kind="button", name="Hint")
    keys.press("Space")
    widget.wait_text(widget.box, [last.hints[0]] if last.hints else [message("widget.no_hints")])
    keys.focus(qid=last.id, kind="button", name="Show evidence")
    keys.press("Enter")
    widget.wait_text(widget.box.locator("blockquote"), last.evidence)

    final = shown_text(score_line)
    assert expected_score(total, len(questions)) in final, final
    print(f"quiz of {len(questions)} questions completed with {keys.presses} key presses")
