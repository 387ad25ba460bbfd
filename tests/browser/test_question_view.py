"""The question view with the keyboard alone, in JupyterLab and Notebook 7 (WAI-ARIA patterns).

One quiz holds a question of every type. Its cell is run with Shift+Enter; from then on no mouse:
Tab reaches each question, a radio group is one Tab stop whose arrow keys select, Space ticks a
box, typing fills a text box, Enter and Space press buttons, and the keys pressed after a
question is reached are exactly the ones this test expects. Keys pressed inside the view never
reach the notebook's shortcuts; Escape gives the focus back to the cell.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from jupyter_browser import (
    FOCUS,
    HUMAN_PRESS_MS,
    Keys,
    QuestionWidget,
    answer_with_keys,
    pick_questions,
    right_answer,
    shown_text,
    write_notebook,
    wrong_answer,
)

import tipcourse
from tipcourse.report.messages import message
from tipcourse.views._wording import number_text

TYPES = ("single", "truefalse", "multiple", "numeric", "text", "order")


@pytest.fixture(params=["lab", "notebook7"])
def server(request):
    return request.getfixturevalue(f"{request.param}_server")


def _quiz_notebook(server, name: str, questions) -> None:
    ids = [question.id for question in questions]
    write_notebook(
        server.workspace / name,
        [f"import tipcourse\ntipcourse.quiz({ids!r})", ("markdown", "End of the quiz.")],
    )


def _run_first_cell(notebook, count: int) -> None:
    """Into the editor with the mouse (the one mouse step), then Shift+Enter."""
    notebook.code_cell(0).locator(".cm-content").click()
    notebook.page.keyboard.press("Shift+Enter")
    notebook.page.locator(".tc-question").nth(count - 1).wait_for(timeout=60_000)
    notebook.wait_kernel_idle()


def test_every_type_with_the_keyboard_alone(server, open_notebook):
    """Reach, answer, check, hint and evidence for a question of every type, keys only, with
    the keys asserted; the score line follows every check."""
    chosen = pick_questions()
    questions = [chosen[kind] for kind in TYPES]
    name = f"keyboard-{server.app}.ipynb"
    _quiz_notebook(server, name, questions)
    notebook = open_notebook(server, name)
    page = notebook.page
    _run_first_cell(notebook, len(questions))
    score = page.locator(".tc-score")
    total = sum(float(q.points) for q in questions)
    keys = Keys(page)
    earned = 0.0
    for number, question in enumerate(questions, start=1):
        widget = QuestionWidget(page, question.id)
        keys.reach(question.id)
        expected = answer_with_keys(keys, widget, question)
        keys.expect_button(question.id, message("widget.check"))
        keys.press("Enter" if number % 2 else "Space")
        widget.wait_text(widget.feedback(), [f"✓ {message('outcome.label.correct')}"])
        widget.wait_text(widget.live(), [message("outcome.label.correct")])
        keys.press("Tab")
        keys.expect_button(question.id, message("widget.hint"))
        keys.press("Space")
        hint_or_none = (
            message("widget.hint_numbered", number=1, total=len(question.hints))
            if question.hints
            else message("widget.no_hints")
        )
        widget.wait_text(widget.box.locator(".tc-hints"), [hint_or_none])
        keys.press("Tab")
        keys.expect_button(question.id, message("widget.evidence"))
        keys.press("Enter")
        widget.wait_text(widget.box.locator("blockquote"), question.evidence[:1])
        assert keys.sequence == [
            *expected,
            "Enter" if number % 2 else "Space",
            "Tab",
            "Space",
            "Tab",
            "Enter",
        ], f"{question.id} ({question.type}): {keys.sequence}"
        earned += float(question.points)
        line = message(
            "quiz.score",
            earned=number_text(earned),
            total=number_text(total),
            answered=number,
            count=len(questions),
        )
        widget.wait_text(score, [line])


_CELLS = "() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].length"
_SOURCES = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell .cm-content')]
  .map(e => e.textContent)"""


def test_keys_stay_in_the_view_and_escape_returns_to_the_notebook(server, open_notebook):
    """b, a, x, dd and the arrow keys pressed on a radio, a box, a text box or a button change
    no cell and keep the focus in the view; Escape puts the focus on the cell, in command
    mode, where b then adds a cell below."""
    chosen = pick_questions()
    questions = [chosen[kind] for kind in ("single", "multiple", "numeric", "order")]
    name = f"keys-stay-{server.app}.ipynb"
    _quiz_notebook(server, name, questions)
    notebook = open_notebook(server, name)
    page = notebook.page
    _run_first_cell(notebook, len(questions))
    cells, sources = page.evaluate(_CELLS), page.evaluate(_SOURCES)
    targets = [
        QuestionWidget(page, questions[0].id).box.locator("input[type=radio]").first,
        QuestionWidget(page, questions[1].id).box.locator("input[type=checkbox]").first,
        QuestionWidget(page, questions[2].id).box.locator("input[type=text]"),
        QuestionWidget(page, questions[3].id).button("Hint"),
        QuestionWidget(page, questions[3].id).button_at("Down", 0),
    ]
    for target in targets:
        target.focus()
        for key in ("b", "a", "x", "d", "d", "ArrowDown", "ArrowUp", "m", "y"):
            page.keyboard.press(key, delay=HUMAN_PRESS_MS // 3)
        time.sleep(0.3)
        assert page.evaluate(_CELLS) == cells
        assert page.evaluate(_SOURCES) == sources
        assert page.evaluate(FOCUS)["inView"], "the focus left the view"
    page.keyboard.press("Escape")
    time.sleep(0.3)
    assert not page.evaluate(FOCUS)["inView"]
    assert page.locator(".jp-Notebook.jp-mod-commandMode").count() == 1
    page.keyboard.press("b")
    page.wait_for_function(f"() => ({_CELLS})() === {cells + 1}")


def test_one_live_region_per_question_updated_in_place(lab_server, open_notebook):
    """The live region is the same node after two checks, and says each result, hint and
    evidence; an order move is announced with the item's new place."""
    chosen = pick_questions()
    question, order = chosen["single"], chosen["order"]
    _quiz_notebook(lab_server, "live-region.ipynb", [question, order])
    notebook = open_notebook(lab_server, "live-region.ipynb")
    page = notebook.page
    _run_first_cell(notebook, 2)
    widget = QuestionWidget(page, question.id)
    assert widget.live().count() == 1
    assert widget.live().get_attribute("aria-live") == "polite"
    widget.live().evaluate("(node) => { node.dataset.firstNode = 'yes'; }")
    wrong, _ = wrong_answer(question)
    widget.choose(question, wrong)
    widget.check()
    first = widget.wait_text(widget.live(), [message("outcome.label.incorrect")])
    widget.choose(question, right_answer(question))
    widget.check()
    second = widget.wait_text(widget.live(), [message("outcome.label.correct")])
    assert first != second
    widget.button("Hint").click()
    widget.wait_text(widget.live(), [message("widget.hint_numbered", number=1, total=2)[:6]])
    widget.button("Show evidence").click()
    widget.wait_text(widget.live(), [message("widget.evidence_heading")])
    assert widget.live().get_attribute("data-first-node") == "yes"
    assert widget.box.locator("[aria-live]").count() == 1

    moving = QuestionWidget(page, order.id)
    shown = moving.order_shown()
    moving.button_at("Down", 0).click()
    item = next(o for o in order.options if o.key == shown[0])
    moving.wait_text(moving.live(), [f"{item.key}) {item.text}", f"2 of {len(shown)}"])


_NAMED = re.compile(
    r'^\s*- (button|radio|checkbox|textbox|radiogroup|group|list|heading) "((?:[^"\\]|\\.)*)"'
)


def test_accessible_names_are_unique_and_say_the_question(lab_server, open_notebook):
    """From the accessibility tree: every control, group and heading of two quizzes on one page
    has its own name, and each control's name carries its question's id."""
    chosen = pick_questions()
    questions = [chosen[kind] for kind in TYPES]
    truefalse = [q for q in tipcourse.questions() if q.type == "truefalse"][:2]
    _quiz_notebook(lab_server, "names.ipynb", [*questions, *truefalse[1:]])
    notebook = open_notebook(lab_server, "names.ipynb")
    page = notebook.page
    _run_first_cell(notebook, len(questions) + 1)
    names: list[tuple[str, str]] = []
    for number in range(page.locator(".tc-question").count()):
        box = page.locator(".tc-question").nth(number)
        question_id = box.get_attribute("data-question-id")
        for line in box.aria_snapshot().splitlines():
            found = _NAMED.match(line)
            if found:
                role, name = found.groups()
                names.append((role, name))
                if role in ("button", "radio", "checkbox", "textbox", "radiogroup", "group"):
                    assert question_id in name, (role, name)
    assert len(names) > 6 * len(questions)
    repeated = [name for name in set(names) if names.count(name) > 1]
    assert not repeated, repeated
    assert {role for role, _ in names} >= {"radio", "checkbox", "textbox", "button", "heading"}


_OVERFLOW = """(boxes) => boxes.map(box => {
  const right = box.getBoundingClientRect().right + 1;
  const wide = [...box.querySelectorAll('*')]
    .filter(e => e.getClientRects().length && !e.closest('.tc-sr'))
    .filter(e => e.getBoundingClientRect().right > right);
  return {id: box.dataset.questionId, scroll: box.scrollWidth - box.clientWidth,
          wide: wide.slice(0, 3).map(e => e.outerHTML.slice(0, 80))};
})"""


def _view_page(page, view) -> None:
    """The question view alone in a page (no JupyterLab around it), showing ``view``."""
    from tipcourse.views import widgets

    here = widgets._HERE
    page.set_content(
        f"<!doctype html><html lang='en'><head><meta name='viewport' "
        f"content='width=device-width'><style>{(here / 'question.css').read_text()}</style>"
        "</head><body><main id='root'></main></body></html>"
    )
    spec, states = json.dumps(view.widget.spec), json.dumps(view.widget.states)
    page.add_script_tag(
        type="module",
        content=(here / "question.js").read_text()
        + f"\nwindow.tcView = mountQuestions(document.getElementById('root'), {spec}, () => {{}});"
        + f"\nwindow.tcView.update({states}, {json.dumps(view.widget.score)});",
    )
    page.locator(".tc-question").first.wait_for()


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_questions_reflow_at_320_pixels(browser, text_size):
    """At 320 px wide (WCAG 1.4.10), and with the view's text at 200%, no question is wider
    than the page, with its feedback, hints and evidence open: buttons wrap, inputs and lists
    fit. (JupyterLab's own layout at 320 px is not the course's to fix.)"""
    from tipcourse.engine.session import QuizState
    from tipcourse.views.widgets import QuestionsView

    chosen = pick_questions()
    questions = [chosen[kind] for kind in TYPES]
    view = QuestionsView.of_quiz(QuizState(questions), "Quiz")
    for index, question in enumerate(questions):
        view.act("check", index, wrong_answer(question)[0] if question.type != "numeric" else "12")
        for _ in range(len(question.hints) + 1):
            view.act("hint", index)
        view.act("evidence", index)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        _view_page(page, view)
        page.add_style_tag(content=f".tc-view {{ font-size: {text_size}; }}")
        assert page.locator("blockquote").count() >= len(questions)
        found = page.locator(".tc-question").evaluate_all(_OVERFLOW)
        too_wide = [item for item in found if item["scroll"] > 1 or item["wide"]]
        assert not too_wide, too_wide
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_a_notice_from_python_is_shown_and_announced(browser):
    """What the progress store said while a check was handled (an attempt it could not save)
    shows under the question and is read out by its live region."""
    from tipcourse.engine.session import QuestionState
    from tipcourse.views.widgets import QuestionsView

    view = QuestionsView.of_question(QuestionState(pick_questions()["single"]))
    context = browser.new_context()
    try:
        page = context.new_page()
        _view_page(page, view)
        notice = page.locator(".tc-notice")
        assert notice.is_hidden()
        said = "Progress is not saved: kept in memory."
        states = [dict(view.widget.states[0], notice=said)]
        page.evaluate(
            "(states) => window.tcView.update(states, '')",
            states,
        )
        notice.wait_for()
        assert notice.text_content() == said
        live = page.locator(".tc-live")
        page.wait_for_function(
            "(t) => document.querySelector('.tc-live').textContent.includes(t)", arg=said
        )
        assert said in live.text_content()
    finally:
        context.close()


_FOCUS_CONTRAST = """(control) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let back = control.parentElement;
  let colour = 'rgba(0, 0, 0, 0)';
  while (back) {
    colour = getComputedStyle(back).backgroundColor;
    if (!/rgba\\(.*, 0\\)$/.test(colour) && colour !== 'transparent') break;
    back = back.parentElement;
  }
  const style = getComputedStyle(control);
  const a = lum(rgb(style.outlineColor)), b = lum(rgb(colour));
  return {width: parseFloat(style.outlineWidth), style: style.outlineStyle,
          ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def test_every_control_shows_its_focus_at_3_to_1(lab_server, open_notebook):
    """Focused with the keyboard, every control of the view has an outline of 2 px or more at
    3:1 or more against the background behind it (WCAG 1.4.11, 2.4.7)."""
    chosen = pick_questions()
    questions = [chosen[kind] for kind in TYPES]
    _quiz_notebook(lab_server, "focus.ipynb", questions)
    notebook = open_notebook(lab_server, "focus.ipynb")
    page = notebook.page
    _run_first_cell(notebook, len(questions))
    keys = Keys(page)
    keys.reach(questions[0].id)
    seen = 0
    while keys.focus()["inView"]:
        found = page.evaluate(f"() => ({_FOCUS_CONTRAST})(document.activeElement)")
        assert found["style"] != "none" and found["width"] >= 2, (keys.focus(), found)
        assert found["ratio"] >= 3, (keys.focus(), found)
        seen += 1
        page.keyboard.press("Tab")
    assert seen >= 3 * len(questions) + 4, seen


def test_the_score_line_is_text_not_a_second_live_region(lab_server, open_notebook):
    """A quiz has exactly one live region per question, and its score line is plain text."""
    chosen = pick_questions()
    questions = [chosen["single"], chosen["truefalse"]]
    _quiz_notebook(lab_server, "regions.ipynb", questions)
    notebook = open_notebook(lab_server, "regions.ipynb")
    _run_first_cell(notebook, 2)
    page = notebook.page
    assert page.locator(".tc-view [aria-live]").count() == len(questions)
    assert "role" not in (page.locator(".tc-score").evaluate("e => e.outerHTML") or "")[:40]
    assert shown_text(page.locator(".tc-score"))
