"""The question widget's Python side: what it sends the browser, and how it answers the view.

The view (``tipcourse/views/question.js``) is tested in Chromium (tests/browser); here the
widget is built and sent messages without a kernel, as ipywidgets allows.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import tipcourse
from tipcourse.engine._questions import Option, Question
from tipcourse.engine._store import attempts
from tipcourse.engine.session import QuestionState, QuizState
from tipcourse.views import display, kernel
from tipcourse.views.widgets import QuestionsView, QuestionsWidget, markdown_html

TYPES = ("single", "multiple", "truefalse", "numeric", "text", "order")
#: The first question of each type in the bank.
BY_TYPE = {q.type: q for q in reversed(tipcourse.questions())}
INPUTS = {
    "single": "radio",
    "multiple": "checkboxes",
    "truefalse": "truefalse",
    "numeric": "textbox",
    "text": "textbox",
    "order": "order",
}


def view_of(kind: str) -> QuestionsView:
    return QuestionsView.of_question(QuestionState(BY_TYPE[kind]))


def send(view: QuestionsView, action: str, answer=None, question: int = 0) -> dict:
    """A message from the browser, as the view sends it; the state of that question after."""
    view.widget._handle_custom_msg({"action": action, "question": question, "answer": answer}, [])
    return view.widget.states[question]


def right_answer(question: Question):
    """The right answer as the view sends it (a text box sends text)."""
    if question.type == "numeric":
        return f"{question.answer:g}"
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


def test_the_bank_has_every_type_these_tests_use():
    """Each question type has at least one question in the bank to build a view from."""
    assert sorted(BY_TYPE) == sorted(TYPES)


@pytest.mark.parametrize("kind", TYPES)
def test_each_type_names_the_input_the_view_draws(kind):
    """single: radio group; truefalse: a radio group of two; multiple: checkboxes; numbers and
    words: a text box; order: a list with move buttons. Options keep their letters."""
    question = BY_TYPE[kind]
    spec = view_of(kind).widget.spec["questions"][0]
    assert spec["input"] == INPUTS[kind]
    assert spec["options"] == [{"key": o.key, "text": o.text} for o in question.options]
    assert bool(spec["placeholder"]) == (INPUTS[kind] == "textbox")


@pytest.mark.parametrize("kind", TYPES)
def test_nothing_of_the_key_goes_to_the_browser_before_it_is_asked_for(kind):
    """The spec and first states hold no answer, feedback, explanation, hint or evidence."""
    question = BY_TYPE[kind]
    view = view_of(kind)
    sent = json.dumps([view.widget.spec, view.widget.states], ensure_ascii=False)
    secrets = [question.explanation, question.wrong_feedback, *question.hints]
    secrets += [option.feedback for option in question.options]
    shown = " ".join(option.text for option in question.options)  # an option may quote
    secrets += [quote[:60] for quote in question.evidence if quote[:60] not in shown]
    secrets += [answer for answer in question.accept]
    for secret in secrets:
        if len(secret.strip()) > 12:
            assert json.dumps(secret.strip(), ensure_ascii=False)[1:-1] not in sent, secret
    assert view.widget.states[0]["feedback"] is None
    assert view.widget.states[0]["evidence"] is None


@pytest.mark.parametrize("kind", TYPES)
def test_a_right_answer_sent_by_the_view_is_correct_in_symbol_and_word(kind):
    """The view's answer, checked in Python: ✓ and the word Correct, one attempt."""
    view = view_of(kind)
    state = send(view, "check", right_answer(view.question_states[0].question))
    assert state["feedback"]["status"] == "correct"
    assert state["feedback"]["result"] == "✓ Correct"
    assert state["checks"] == 1 and view.question_states[0].attempts == 1


@pytest.mark.parametrize("kind", TYPES)
def test_a_wrong_answer_shows_a_cross_and_a_word_never_colour_alone(kind):
    """A wrong answer: ✗ and Incorrect (or Partly correct for an order)."""
    view = view_of(kind)
    state = send(view, "check", wrong_answer(view.question_states[0].question))
    assert state["feedback"]["result"] in ("✗ Incorrect", "◐ Partly correct"), state["feedback"]
    assert state["feedback"]["status"] in ("incorrect", "partial")


def test_a_wrong_option_shows_that_options_feedback_as_html():
    """The advice is the wrong option's own feedback, rendered from Markdown to HTML."""
    view = view_of("single")
    question = view.question_states[0].question
    wrong = next(o for o in question.options if o.key != question.answer)
    state = send(view, "check", wrong.key)
    assert markdown_html(" ".join(wrong.feedback.split()))[3:-4] in state["feedback"]["advice"]


@pytest.mark.parametrize(
    ("kind", "answer"),
    [("single", None), ("multiple", []), ("numeric", ""), ("text", "   "), ("truefalse", None)],
)
def test_checking_with_nothing_entered_says_what_to_do_in_the_widget(kind, answer):
    """No answer: "Not answered yet", what to choose or type, no code, no attempt counted."""
    view = view_of(kind)
    state = send(view, "check", answer)
    assert state["feedback"]["status"] == "unanswered"
    question = view.question_states[0].question
    assert question.question_type.words("widget.instruction") in state["feedback"]["advice"]
    assert ".check(" not in state["feedback"]["advice"]
    assert view.question_states[0].attempts == 0 and state["checks"] == 1


@pytest.mark.parametrize(
    ("kind", "answer"), [("numeric", "twelve apples"), ("numeric", "12%"), ("text", "x" * 5000)]
)
def test_a_badly_formed_answer_is_explained_in_words_of_the_widget(kind, answer):
    """An answer the type cannot read says why and what to type, with no ``.check(...)``."""
    view = view_of(kind)
    state = send(view, "check", answer)
    assert state["feedback"]["status"] == "invalid"
    assert ".check(" not in state["feedback"]["advice"]
    question = view.question_states[0].question
    assert question.question_type.words("widget.instruction") in state["feedback"]["advice"]


@pytest.mark.parametrize(
    "content",
    [
        {"action": "check", "question": 5, "answer": "a"},
        {"action": "check", "question": "0", "answer": "a"},
        {"action": "delete", "question": 0},
        {"question": 0},
        ["check", 0],
        None,
    ],
)
def test_a_message_of_another_form_changes_nothing(content):
    """What a page could send that is not one of the view's messages is ignored."""
    view = view_of("single")
    before = view.widget.states
    view.widget._handle_custom_msg(content, [])
    assert view.widget.states == before


@pytest.mark.parametrize(
    ("kind", "answer"),
    [("single", ["a"]), ("truefalse", "true"), ("multiple", "a"), ("order", [1, 2]), ("text", 3)],
)
def test_an_answer_of_another_shape_than_the_input_is_no_answer(kind, answer):
    """A value the input could not have sent (a list for a radio group, ...) is no answer."""
    state = send(view_of(kind), "check", answer)
    assert state["feedback"]["status"] == "unanswered"


def test_the_hint_action_adds_one_hint_per_press_then_says_there_are_no_more():
    """Each press adds the next hint, numbered; after the last one a note says so."""
    view = view_of("single")
    hints = view.question_states[0].question.hints
    assert len(hints) >= 2
    state = send(view, "hint")
    assert len(state["hints"]) == 1 and "Hint 1 of" in state["hints"][0]
    for _ in hints[1:]:
        state = send(view, "hint")
    assert len(state["hints"]) == len(hints) and state["hints_note"] == ""
    state = send(view, "hint")
    assert state["hints_note"] == "No more hints: that was the last one."


def test_hints_and_explanations_render_their_markdown():
    """A hint with `code` shows it as code, not as backticks."""
    question = next(q for q in tipcourse.questions() if any("`" in hint for hint in q.hints))
    view = QuestionsView.of_question(QuestionState(question))
    for _ in question.hints:
        state = send(view, "hint")
    joined = "".join(state["hints"])
    assert "<code>" in joined and "`" not in joined


def test_the_evidence_action_sends_each_quote_with_its_place():
    """Show evidence: each quote verbatim, with the section of the report it comes from."""
    view = view_of("order")
    state = send(view, "evidence")
    pairs = view.question_states[0].show_evidence()
    assert [item["quote"] for item in state["evidence"]] == [quote for _, quote in pairs]
    assert [item["place"] for item in state["evidence"]] == [
        f"Report section: {title}" for title, _ in pairs
    ]


def test_text_from_the_bank_is_escaped_in_what_python_renders():
    """HTML in an option's feedback or a hint is shown as text; the view sets text itself
    for prompts and options (textContent), so only rendered Markdown is HTML."""
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
    view = QuestionsView.of_question(QuestionState(question))
    assert "&lt;b&gt;bold&lt;/b&gt;" in send(view, "hint")["hints"][0]
    assert "&lt;u&gt;no&lt;/u&gt;" in send(view, "check", "b")["feedback"]["advice"]
    assert "<u>" not in json.dumps(view.widget.states)


def test_a_second_view_of_a_state_shows_what_the_first_did():
    """A new view of a used state starts with its selection, feedback and hints."""
    state = QuestionState(BY_TYPE["multiple"])
    first = QuestionsView.of_question(state)
    send(first, "check", right_answer(state.question))
    send(first, "hint")
    second = QuestionsView.of_question(state)
    assert second.widget.states[0]["selection"] == right_answer(state.question)
    assert second.widget.states[0]["feedback"] == first.widget.states[0]["feedback"]
    assert second.widget.states[0]["hints"] == first.widget.states[0]["hints"]


def test_the_quiz_view_keeps_a_running_score():
    """Checking answers in a quiz updates its score line in words."""
    section = BY_TYPE["order"].section
    state = QuizState(tipcourse.questions(section))
    view = QuestionsView.of_quiz(state, "Quiz")
    count = len(state.states)
    assert [q["number"] for q in view.widget.spec["questions"]] == [
        f"Question {n} of {count}" for n in range(1, count + 1)
    ]
    total = f"{state.total_points:g}"
    assert f"Score so far: 0 of {total} points" in view.widget.score
    first = state.states[0].question
    send(view, "check", right_answer(first))
    assert f"Score so far: {first.points:g} of {total} points" in view.widget.score
    assert f"Questions answered: 1 of {count}" in view.widget.score


def test_checks_are_recorded_in_the_learners_progress():
    """A check from the widget is an attempt in the progress store, as a .check() is."""
    question = BY_TYPE["truefalse"]
    send(QuestionsView.of_question(QuestionState(question)), "check", question.answer)
    recorded = attempts()
    assert list(recorded["item_id"]) == [question.id]
    assert list(recorded["correct"]) == [True]


def test_an_attempt_the_store_cannot_save_is_said_in_the_view(monkeypatch, tmp_path, capsys):
    """A widget's message is handled outside any cell, so what the progress store says would
    reach only the kernel's log: the view shows it under the question (and the log keeps it),
    and the outcome is shown as always."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIPCOURSE_HOME", str(blocker / "home"))
    questions = [BY_TYPE["truefalse"], BY_TYPE["single"]]
    view = QuestionsView.of_quiz(QuizState(questions), "Quiz")
    state = send(view, "check", questions[0].answer)
    assert state["feedback"]["status"] == "correct"
    assert str(blocker) in state["notice"] and "TIPCOURSE_HOME" in state["notice"]
    assert str(blocker) in capsys.readouterr().err
    other = send(view, "check", questions[1].answer, question=1)
    assert other["notice"] == ""  # said once
    assert view.widget.states[0]["notice"] == state["notice"]  # and kept where it was said
    assert len(attempts()) == 2  # in memory


def test_an_attempt_saved_leaves_no_notice():
    question = BY_TYPE["single"]
    assert send(view_of("single"), "check", question.answer)["notice"] == ""


def test_one_widget_serves_a_whole_quiz():
    """A quiz is one widget model (one message to the frontend), whatever its size."""
    shown = tipcourse.quiz("prosecution")
    assert isinstance(shown.view().widget, QuestionsWidget)
    assert len(shown.view().widget.spec["questions"]) == len(tipcourse.questions("prosecution"))


def test_in_a_kernel_the_bundle_has_the_widget_and_the_static_forms(monkeypatch):
    """Inside a kernel a display holds the widget view beside text/plain and text/markdown."""
    monkeypatch.setattr(kernel, "in_kernel", lambda: True)
    shown = tipcourse.show(BY_TYPE["single"].id)
    bundle = shown._repr_mimebundle_()
    assert sorted(bundle) == sorted([display.WIDGET_VIEW, "text/plain", "text/markdown"])
    assert bundle[display.WIDGET_VIEW]["model_id"] == shown.view().widget.model_id
    assert tipcourse.quiz("prosecution")._repr_mimebundle_(include={"text/plain"}).keys() == {
        "text/plain"
    }


def test_outside_a_kernel_no_widget_is_built():
    """In a plain Python process the bundle is static only and no widget is made."""
    shown = tipcourse.show(BY_TYPE["single"])
    assert display.WIDGET_VIEW not in shown._repr_mimebundle_()
    assert shown._view is None


def test_importing_tipcourse_does_not_import_widgets():
    """import tipcourse stays light: anywidget and ipywidgets load only when a view is built."""
    code = (
        "import sys, tipcourse; tipcourse.quiz('prosecution').text();"
        " print('ipywidgets' in sys.modules or 'anywidget' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_widget_words_follow_the_language():
    """In Spanish the buttons, labels and true/false choices are Spanish."""
    tipcourse.set_language("es")
    labels = view_of("truefalse").widget.spec["labels"]
    assert (labels["check"], labels["answer"]) == ("Comprobar", "Tu respuesta")
    assert (labels["true"], labels["false"]) == ("Verdadero", "Falso")
    assert labels["move_up"] == "Subir «{item}»"
    assert view_of("single").widget.spec["lang"] == "es"


def test_the_view_module_names_every_input_python_sends():
    """question.js draws each input a question type can name, and reads the spec's labels."""
    from tipcourse.engine.types._registry import QUESTION_TYPES
    from tipcourse.views import widgets

    source = (widgets._HERE / "question.js").read_text("utf-8")
    for kind in QUESTION_TYPES.values():
        assert f"  {kind.widget}(ctx) {{" in source, kind.widget
    for name in widgets._LABELS:
        assert f"labels.{name}" in source or f"labels[{name!r}]" in source, name


def _css_colours(css: str, selector_start: str) -> dict[str, str]:
    block = css[css.index(selector_start) :]
    block = block[: block.index("}")]
    return dict(re.findall(r"(--tc-[a-z]+):\s*(#[0-9a-fA-F]{6})", block))


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("theme", "selector", "background"),
    [
        ("light", ".tc-view {", "#ffffff"),  # JupyterLab Light's --jp-layout-color0
        ("dark", 'body[data-jp-theme-light="false"] .tc-view', "#111111"),  # JupyterLab Dark's
    ],
)
def test_the_views_colours_meet_wcag_aa_in_light_and_dark_themes(theme, selector, background):
    """Muted text 4.5:1 (1.4.3); borders of inputs and buttons, the focus ring and the result
    colours 3:1 (1.4.11) against the theme's background."""
    from tipcourse.views import widgets

    css = (widgets._HERE / "question.css").read_text("utf-8")
    colours = {**_css_colours(css, ".tc-view {"), **_css_colours(css, selector)}
    assert contrast(colours["--tc-muted"], background) >= 4.5, theme
    for name in ("--tc-line", "--tc-focus", "--tc-correct", "--tc-partial", "--tc-incorrect"):
        assert contrast(colours[name], background) >= 3, (theme, name, colours[name])
    assert contrast(colours["--tc-line"], colours["--tc-button"]) >= 3, theme  # button edge
