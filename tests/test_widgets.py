"""The widget views: built and clicked without a kernel, as ipywidgets allows."""

from __future__ import annotations

import html
import subprocess
import sys

import ipywidgets as widgets
import pytest

import tipcourse
from tipcourse.engine._questions import Option, Question
from tipcourse.engine.session import QuestionState, QuizState
from tipcourse.views import display, kernel
from tipcourse.views.widgets import QuestionView, QuizView

TYPES = ("single", "multiple", "truefalse", "numeric", "text", "order")
#: The first question of each type in the bank.
BY_TYPE = {q.type: q for q in reversed(tipcourse.questions())}
INPUT_KINDS = {
    "single": widgets.RadioButtons,
    "multiple": widgets.Checkbox,
    "truefalse": widgets.RadioButtons,
    "numeric": widgets.Text,
    "text": widgets.Text,
    "order": widgets.Button,
}


def view_of(kind: str) -> QuestionView:
    return QuestionView(QuestionState(BY_TYPE[kind]))


def right_answer(question: Question):
    return list(question.answer) if question.type in ("multiple", "order") else question.answer


def wrong_answer(question: Question):
    """An answer of the right form that is wrong."""
    if question.type == "single":
        return next(o.key for o in question.options if o.key != question.answer)
    if question.type == "multiple":
        return [next(o.key for o in question.options if o.key not in question.answer)]
    if question.type == "order":
        return list(question.answer)[::-1]
    if question.type == "truefalse":
        return not question.answer
    if question.type == "numeric":
        return f"{question.answer * 3 + 1:,}"
    return "Tlaxcala Oaxaca Sonora"


def enter(view: QuestionView, answer) -> None:
    """Set the view's inputs as a learner would to give ``answer``."""
    kind = view.state.question.type
    if kind == "multiple":
        for box, option in zip(view.inputs, view.state.options(), strict=True):
            box.value = option.key in answer
    elif kind == "order":
        for position, key in enumerate(answer):  # press Up until each item is in its place
            while view.state.order().index(key) > position:
                view.up_buttons[view.state.order().index(key)].click()
    elif kind == "numeric":
        view.inputs[0].value = answer if isinstance(answer, str) else f"{answer:,}"
    else:
        view.inputs[0].value = answer


def test_the_bank_has_every_type_these_tests_use():
    """Each question type has at least one question in the bank to build a view from."""
    assert sorted(BY_TYPE) == sorted(TYPES)


@pytest.mark.parametrize("kind", TYPES)
def test_each_type_gets_the_input_that_fits_it(kind):
    """single/truefalse: radio buttons; multiple: a checkbox per option; numbers and words:
    a text box; order: Up and Down buttons per position."""
    view = view_of(kind)
    assert all(type(field) is INPUT_KINDS[kind] for field in view.inputs)
    count = len(BY_TYPE[kind].options)
    expected = {"multiple": count, "order": 2 * count}.get(kind, 1)
    assert len(view.inputs) == expected
    if kind == "truefalse":
        assert [value for _, value in view.inputs[0].options] == [True, False]


@pytest.mark.parametrize("kind", TYPES)
def test_every_input_has_a_label(kind):
    """Each input has a non-empty description (a <label>, or a button's text), HTML off."""
    view = view_of(kind)
    for field in view.inputs:
        assert field.description.strip()
        assert getattr(field, "description_allow_html", False) is False
    if kind in ("multiple",):
        texts = [option.text for option in view.state.options()]
        assert all(text in box.description for text, box in zip(texts, view.inputs, strict=True))
    if kind == "order":  # each button says which position it moves, and which way
        assert len({button.tooltip for button in view.inputs}) == len(view.inputs)


@pytest.mark.parametrize("kind", TYPES)
def test_every_button_has_a_description_and_a_tooltip(kind):
    """Check, Hint and Show evidence are labelled buttons with tooltips."""
    view = view_of(kind)
    buttons = [view.check_button, view.hint_button, view.evidence_button]
    assert [button.description for button in buttons] == ["Check", "Hint", "Show evidence"]
    assert all(isinstance(button, widgets.Button) and button.tooltip for button in buttons)


@pytest.mark.parametrize("kind", TYPES)
def test_a_right_answer_entered_and_checked_shows_a_tick_and_correct(kind):
    """Entering the right answer and clicking Check shows ✓ and the word Correct."""
    view = view_of(kind)
    enter(view, right_answer(view.state.question))
    view.check_button.click()
    assert view.feedback is not None
    assert "✓" in view.feedback.value and "Correct" in view.feedback.value
    assert view.state.attempts == 1


@pytest.mark.parametrize("kind", TYPES)
def test_a_wrong_answer_entered_and_checked_shows_a_cross_and_words(kind):
    """Entering a wrong answer and clicking Check shows ✗ and a word, never colour alone."""
    view = view_of(kind)
    enter(view, wrong_answer(view.state.question))
    view.check_button.click()
    assert "✗" in view.feedback.value
    assert "Incorrect" in view.feedback.value or "Partly correct" in view.feedback.value
    assert view.state.feedback.correct is False


def test_order_buttons_move_items_and_keep_the_rows_in_step():
    """Up and Down move the item at their position; the rows show the order the state holds."""
    view = view_of("order")
    start = view.state.order()
    assert view.up_buttons[0].disabled and view.down_buttons[-1].disabled
    assert not any(button.disabled for button in view.up_buttons[1:] + view.down_buttons[:-1])
    view.down_buttons[0].click()
    assert view.state.order() == [start[1], start[0], *start[2:]]
    assert view.state.selection == view.state.order()
    view.up_buttons[-1].click()
    moved = view.state.order()
    assert moved[-2] == start[-1]
    for number, (row, key) in enumerate(zip(view.rows, moved, strict=True), start=1):
        assert row.value.startswith(f"<strong>{number}.</strong> {key})")


def test_text_answers_are_sent_as_they_are_typed():
    """Text boxes send their value per keystroke, so a quick click on Check sees the new answer.

    (Sent only on leaving the box, the update could be handled after the click: the browser
    tests once saw a stale answer checked that way.)
    """
    for kind in ("numeric", "text"):
        assert view_of(kind).inputs[0].continuous_update is True


def test_a_wrong_option_shows_that_options_feedback():
    """The feedback area carries the wrong option's own feedback, HTML-escaped."""
    view = view_of("single")
    question = view.state.question
    wrong = next(o for o in question.options if o.key != question.answer)
    enter(view, wrong.key)
    view.check_button.click()
    assert html.escape(" ".join(wrong.feedback.split())) in view.feedback.value


def test_checking_with_nothing_entered_says_so_without_an_attempt():
    """Check with no option chosen says "Not answered yet", what to do, and counts no attempt."""
    view = view_of("single")
    view.check_button.click()
    assert "Not answered yet" in view.feedback.value
    assert "Choose one option." in view.feedback.value and ".check(" not in view.feedback.value
    assert view.state.attempts == 0


def test_the_hint_button_shows_one_hint_per_press():
    """Each press adds the next hint; after the last one it says there are no more."""
    view = view_of("single")
    hints = [html.escape(hint) for hint in view.state.question.hints]
    assert len(hints) >= 2
    assert view.hints is None  # made on first use
    view.hint_button.click()
    assert hints[0] in view.hints.value and hints[1] not in view.hints.value
    view.hint_button.click()
    assert all(hint in view.hints.value for hint in hints[:2])
    for _ in hints[2:]:
        view.hint_button.click()
    assert "No more hints" not in view.hints.value
    view.hint_button.click()
    assert "No more hints" in view.hints.value
    assert view.state.hints_shown == len(hints)


def test_the_evidence_button_shows_the_quote_and_its_section():
    """Show evidence puts each quote and its report section in the evidence area."""
    view = view_of("order")
    assert view.evidence is None
    view.evidence_button.click()
    for title, quote in view.state.show_evidence():
        assert html.escape(quote) in view.evidence.value
        assert html.escape(title) in view.evidence.value
    assert view.evidence in view.widget.children


def test_areas_appear_in_a_fixed_order_whatever_is_pressed_first():
    """Feedback, hints and evidence stand in that order below the buttons."""
    view = view_of("text")
    view.evidence_button.click()
    view.hint_button.click()
    view.check_button.click()
    assert list(view.widget.children[-3:]) == [view.feedback, view.hints, view.evidence]


def test_text_from_the_bank_is_escaped():
    """A prompt, option or hint with HTML in it is shown as text, not run as HTML."""
    question = Question(
        id="prosecution.t09",
        section="prosecution",
        type="single",
        prompt="Is <script>alert(1)</script> shown as text?",
        answer="a",
        points=1,
        skill="remember",
        hints=("Look for <b>bold</b>.",),
        explanation="Yes & it is.",
        evidence=(tipcourse.load_report().sections["prosecution"].sentences[0],),
        options=(Option("a", "<i>yes</i>"), Option("b", "no", "<u>no</u> is wrong")),
    )
    view = QuestionView(QuestionState(question))
    assert "<script>" not in view.prompt.value and "&lt;script&gt;" in view.prompt.value
    view.hint_button.click()
    assert "&lt;b&gt;bold&lt;/b&gt;" in view.hints.value
    enter(view, "b")
    view.check_button.click()
    assert "&lt;u&gt;no&lt;/u&gt;" in view.feedback.value


def test_a_second_view_of_a_state_shows_what_the_first_did():
    """A new view of a used state shows its selection, feedback and hints again."""
    state = QuestionState(BY_TYPE["multiple"])
    first = QuestionView(state)
    enter(first, right_answer(state.question))
    first.check_button.click()
    first.hint_button.click()
    second = QuestionView(state)
    assert [box.value for box in second.inputs] == [box.value for box in first.inputs]
    assert second.feedback.value == first.feedback.value
    assert second.hints.value == first.hints.value


def test_the_quiz_view_keeps_a_running_score():
    """Checking answers in a quiz updates its score line in words."""
    section = BY_TYPE["order"].section
    state = QuizState(tipcourse.questions(section))
    view = QuizView(state, "Quiz")
    assert len(view.questions) == len(state.states)
    total = f"{state.total_points:g}"
    assert f"Score so far: 0 of {total} points" in view.score.value
    first = view.questions[0]
    enter(first, right_answer(first.state.question))
    first.check_button.click()
    points = f"{first.state.question.points:g}"
    assert f"Score so far: {points} of {total} points" in view.score.value
    assert f"Questions answered: 1 of {len(state.states)}" in view.score.value


def test_in_a_kernel_the_bundle_has_the_widget_and_the_static_forms(monkeypatch):
    """Inside a kernel a display holds the widget view beside text/plain and text/markdown."""
    monkeypatch.setattr(kernel, "in_kernel", lambda: True)
    shown = tipcourse.show(BY_TYPE["single"].id)
    bundle = shown._repr_mimebundle_()
    assert sorted(bundle) == sorted([display.WIDGET_VIEW, "text/plain", "text/markdown"])
    assert bundle[display.WIDGET_VIEW]["model_id"] == shown.view().widget.model_id
    assert (
        bundle[display.WIDGET_VIEW] == shown.view().widget._repr_mimebundle_()[display.WIDGET_VIEW]
    )
    assert tipcourse.quiz("prosecution")._repr_mimebundle_(include={"text/plain"}).keys() == {
        "text/plain"
    }


def test_outside_a_kernel_no_widget_is_built():
    """In a plain Python process the bundle is static only and no widget is made."""
    shown = tipcourse.show(BY_TYPE["single"])
    assert display.WIDGET_VIEW not in shown._repr_mimebundle_()
    assert shown._view is None


def test_importing_tipcourse_does_not_import_ipywidgets():
    """import tipcourse stays light: ipywidgets loads only when a view is built."""
    code = (
        "import sys, tipcourse; tipcourse.quiz('prosecution').text();"
        " print('ipywidgets' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_widget_labels_follow_the_language():
    """In Spanish the buttons, labels and true/false choices are Spanish."""
    tipcourse.set_language("es")
    view = view_of("truefalse")
    assert view.check_button.description == "Comprobar"
    assert view.inputs[0].description == "Tu respuesta"
    assert [label for label, _ in view.inputs[0].options] == ["Verdadero", "Falso"]
