"""Widget views on the answering state: thin ipywidgets containers, one per question or quiz.

A view reads nothing but its :class:`~tipcourse.engine.session.QuestionState` and writes nothing but
through it: a button's callback updates the state, then re-renders the feedback, hint or
evidence area from the state. Every input has a label, every button a description and a
tooltip, and feedback says its result in a symbol and a word, never by color alone.
Importing this module imports ipywidgets; ``import tipcourse`` does not.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as widgets

from ..engine.outcome import render_text
from ..engine.session import QuestionState, QuizState, evidence_pairs
from ..engine.types._registry import shape_handler
from ..report.messages import message
from ._wording import header, instruction, quiz_summary

__all__ = [
    "QuestionView",
    "QuizView",
    "evidence_html",
    "feedback_html",
    "hints_html",
    "order_row_html",
    "prompt_html",
    "score_html",
    "widget_view",
]

# A color only ever adds to the symbol and word of render_text, never replaces them.
_COLORS = {
    "correct": "#1a7f37",
    "partial": "#9a6700",
    "incorrect": "#cf222e",
    "unanswered": "#57606a",
    "invalid": "#57606a",
}
_AREAS = ("feedback", "hints", "evidence")
# ipywidgets' own CSS keeps radio and checkbox labels on one line; long options must wrap,
# with the radio or box to the left of the whole text.
_STYLE = (
    "<style>"
    ".tipcourse-question .widget-radio-box label,"
    ".tipcourse-question .jupyter-widget-radio-box label,"
    ".tipcourse-question .widget-label-basic,.tipcourse-question .jupyter-widget-label-basic"
    "{display:flex;align-items:flex-start;height:auto;line-height:1.4;white-space:normal;"
    "overflow:visible;margin-bottom:0.3em}"
    ".tipcourse-question .widget-radio-box input,.tipcourse-question .widget-label-basic input,"
    ".tipcourse-question .jupyter-widget-radio-box input,"
    ".tipcourse-question .jupyter-widget-label-basic input"
    "{order:-1;flex:none;float:none;margin-top:0.25em}"
    ".tipcourse-question .widget-checkbox,.tipcourse-question .jupyter-widget-checkbox"
    "{height:auto;width:100%}"
    "</style>"
)


def _style(widget_class: type[widgets.Widget], **values: str) -> widgets.Widget:
    """A style model for ``widget_class``; ipywidgets does not export every style class."""
    return widget_class.class_traits()["style"].klass(**values)


class _Look:
    """Layouts and styles that all widgets of one view share.

    Every ipywidgets widget otherwise brings its own Layout and Style models, which triples
    the widgets a kernel has to create and send; shared ones make a quiz display fast.
    """

    def __init__(self) -> None:
        self.plain = widgets.Layout()
        self.full_width = widgets.Layout(width="100%")
        self.auto_width = widgets.Layout(width="auto", flex="0 0 auto")  # buttons never shrink
        self.labeled = _style(widgets.RadioButtons, description_width="initial")
        self.text = _style(widgets.Text, description_width="initial")
        self.button_style = _style(widgets.Button)
        self.checkbox = _style(widgets.Checkbox)
        self.html = _style(widgets.HTML)
        self.label = _style(widgets.Label)

    def html_area(self, value: str) -> widgets.HTML:
        """An HTML widget with the shared layout and style."""
        return widgets.HTML(value=value, layout=self.plain, style=self.html)

    def button(self, name: str, tooltip: str) -> widgets.Button:
        """A button whose description and tooltip come from the catalogue."""
        return widgets.Button(
            description=message(name),
            tooltip=message(tooltip),
            layout=self.auto_width,
            style=self.button_style,
        )


def widget_view(widget: widgets.Widget) -> dict:
    """The widget-view MIME data of ``widget``, as ``Widget._repr_mimebundle_`` makes it.

    That method also builds a ``text/plain`` repr of the whole widget tree, which takes a
    quarter of a quiz's display time and which the static text replaces anyway.
    """
    return {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def _paragraph(text: str) -> str:
    return f"<p>{_escape(text)}</p>"


def prompt_html(state: QuestionState) -> str:
    """The question's heading, prompt and what kind of answer it takes."""
    question = state.question
    return "".join(
        [
            _STYLE,
            f"<p><strong>{_escape(header(question))}</strong></p>",
            _paragraph(question.prompt),
            f"<p><em>{_escape(instruction(question))}</em></p>",
        ]
    )


def order_row_html(state: QuestionState, position: int) -> str:
    """One line of an ordering question: the position (from 1) and the item now there."""
    texts = {option.key: option.text for option in state.options()}
    key = state.order()[position]
    return f"<strong>{position + 1}.</strong> {_escape(key)}) {_escape(texts[key])}"


def feedback_html(state: QuestionState) -> str:
    """The last outcome in words with its ✓ or ✗, and how many answers were checked.

    With nothing entered, the outcome's advice is about code (``.check(...)``); here the
    learner is told instead what to choose or type.
    """
    outcome = state.feedback
    if outcome is None:
        return ""
    color = _COLORS[outcome.status]
    advice = instruction(state.question) if outcome.status == "unanswered" else outcome.message
    return (
        f'<div role="status" style="border-left:0.3em solid {color};padding-left:0.6em">'
        f"<p><strong>{_escape(render_text(replace(outcome, message='')))}</strong></p>"
        f"{_paragraph(advice) if advice else ''}"
        f"{_paragraph(message('widget.attempts', count=state.attempts))}</div>"
    )


def hints_html(state: QuestionState, none_left: bool = False) -> str:
    """The hints shown so far, numbered; ``none_left`` adds that there are no more."""
    total = len(state.question.hints)
    if total == 0:
        return _paragraph(message("widget.no_hints")) if none_left else ""
    lines = [
        _paragraph(f"{message('widget.hint_numbered', number=number, total=total)} {hint}")
        for number, hint in enumerate(state.hints, start=1)
    ]
    if none_left:
        lines.append(_paragraph(message("widget.no_more_hints")))
    return "".join(lines)


def evidence_html(state: QuestionState) -> str:
    """Once asked for, the quotes from the report with the section each comes from."""
    if not state.evidence_shown:
        return ""
    parts = [f"<p><strong>{_escape(message('widget.evidence_heading'))}</strong></p>"]
    translations = state.question.evidence_translation
    for number, (title, quote) in enumerate(evidence_pairs(state.question)):
        parts.append(
            f'<blockquote lang="en">{_escape(quote)}</blockquote>'
            f"{_paragraph(message('widget.evidence_source', section=title))}"
        )
        if number < len(translations):
            label = message("translation.label")
            parts.append(_paragraph(f"{label} {translations[number]}"))
    return "".join(parts)


def score_html(state: QuizState) -> str:
    """The quiz's size and its running score, in words."""
    summary, score = quiz_summary(state)
    return f'<div role="status">{_paragraph(summary)}{_paragraph(score)}</div>'


def _option_label(option: Any) -> str:
    return f"{option.key}) {option.text}"


class QuestionView:
    """The widget of one question: prompt, input, Check / Hint / Show evidence, feedback.

    ``on_check`` is called with the outcome after every check (a quiz updates its score);
    ``heading`` is a line shown above the prompt, such as "Question 2 of 5".
    """

    def __init__(
        self,
        state: QuestionState,
        on_check: Callable[[Any], None] | None = None,
        heading: str = "",
        look: _Look | None = None,
    ) -> None:
        self.state = state
        self.on_check = on_check
        self.look = look or _Look()
        top = f"<h4>{_escape(heading)}</h4>" if heading else ""
        self.prompt = self.look.html_area(top + prompt_html(state))
        self.inputs, answer_area = self._build_inputs()
        self.check_button = self.look.button("widget.check", "widget.check_tooltip")
        self.hint_button = self.look.button("widget.hint", "widget.hint_tooltip")
        self.evidence_button = self.look.button("widget.evidence", "widget.evidence_tooltip")
        self.check_button.on_click(self._check)
        self.hint_button.on_click(self._hint)
        self.evidence_button.on_click(self._evidence)
        self._show_selection()
        buttons = widgets.HBox(
            [self.check_button, self.hint_button, self.evidence_button], layout=self.look.plain
        )
        self._fixed = [self.prompt, answer_area, buttons]
        self.widget = widgets.VBox(self._fixed, layout=self.look.plain)
        self.widget.add_class("tipcourse-question")
        # The feedback, hints and evidence areas: HTML widgets made when first needed.
        self.feedback: widgets.HTML | None = None
        self.hints: widgets.HTML | None = None
        self.evidence: widgets.HTML | None = None
        # A state shown before (this is a second view of it) brings back what it showed.
        for area, text in zip(
            _AREAS, (feedback_html(state), hints_html(state), evidence_html(state)), strict=True
        ):
            if text:
                self._show(area, text)

    # -- building -------------------------------------------------------------------------

    def _input(self) -> _Input:
        """How this question's widget input is built, set and read: its type names it."""
        return shape_handler(_INPUTS, self.state.question.question_type.widget, "widgets")

    def _build_inputs(self) -> tuple[list[widgets.Widget], widgets.Widget]:
        """The input widgets for this question's type and the area that holds them."""
        return self._input().build(self)

    def _build_radio(self) -> tuple[list[widgets.Widget], widgets.Widget]:
        choices = [(_option_label(option), option.key) for option in self.state.options()]
        return self._radio(choices)

    def _build_truefalse(self) -> tuple[list[widgets.Widget], widgets.Widget]:
        return self._radio([(message("widget.true"), True), (message("widget.false"), False)])

    def _radio(self, choices: list[tuple[str, Any]]) -> tuple[list[widgets.Widget], widgets.Widget]:
        radio = widgets.RadioButtons(
            options=choices,
            value=None,
            description=message("widget.label.answer"),
            description_allow_html=False,
            # Without a tooltip, ipywidgets sets the label's title to the text "null".
            tooltip=instruction(self.state.question),
            style=self.look.labeled,
            layout=self.look.full_width,
        )
        return [radio], radio

    def _build_checkboxes(self) -> tuple[list[widgets.Widget], widgets.Widget]:
        look = self.look
        boxes = [
            widgets.Checkbox(
                value=False,
                description=_option_label(option),
                description_allow_html=False,
                indent=False,
                style=look.checkbox,
                layout=look.full_width,
            )
            for option in self.state.options()
        ]
        heading = widgets.Label(
            value=message("widget.label.choices"), style=look.label, layout=look.plain
        )
        return boxes, widgets.VBox([heading, *boxes], layout=look.plain)

    def _build_textbox(self) -> tuple[list[widgets.Widget], widgets.Widget]:
        text = widgets.Text(
            value="",
            # Sent on every keystroke. Sent only on leaving the box, the value could reach the
            # kernel after a quick click on Check (ipykernel may handle the two comm messages
            # out of order), and the previous answer would be checked.
            continuous_update=True,
            description=message("widget.label.answer"),
            placeholder=self.state.question.question_type.words("widget.placeholder"),
            description_allow_html=False,
            style=self.look.text,
            layout=self.look.plain,
        )
        return [text], text

    def _build_moves(self) -> tuple[list[widgets.Widget], widgets.Widget]:
        return self._build_order(len(self.state.options()))

    def _build_order(self, count: int) -> tuple[list[widgets.Widget], widgets.Widget]:
        """One line per position with Up and Down buttons: operable with Tab and Enter.

        Dropdowns would need arrow and letter keys, which JupyterLab takes for its own
        notebook commands when focus is on a select element.
        """
        look = self.look
        self.rows = [look.html_area(order_row_html(self.state, n)) for n in range(count)]
        self.up_buttons, self.down_buttons = [], []
        lines = []
        for position, row in enumerate(self.rows):
            up = widgets.Button(
                description=message("widget.order.up"),
                tooltip=message("widget.order.up_tooltip", number=position + 1),
                disabled=position == 0,
                layout=look.auto_width,
                style=look.button_style,
            )
            down = widgets.Button(
                description=message("widget.order.down"),
                tooltip=message("widget.order.down_tooltip", number=position + 1),
                disabled=position == count - 1,
                layout=look.auto_width,
                style=look.button_style,
            )
            up.on_click(functools.partial(self._move, position, -1))
            down.on_click(functools.partial(self._move, position, 1))
            self.up_buttons.append(up)
            self.down_buttons.append(down)
            lines.append(widgets.HBox([up, down, row], layout=look.plain))
        heading = widgets.Label(
            value=message("widget.label.order"), style=look.label, layout=look.plain
        )
        pairs = zip(self.up_buttons, self.down_buttons, strict=True)
        moves = [button for pair in pairs for button in pair]
        return moves, widgets.VBox([heading, *lines], layout=look.plain)

    def _move(self, position: int, steps: int, _button: widgets.Button) -> None:
        target = self.state.move(position, steps)
        for number, row in enumerate(self.rows):
            row.value = order_row_html(self.state, number)
        # Keep focus on the item that moved, so pressing again moves it further.
        same_way = (self.up_buttons if steps < 0 else self.down_buttons)[target]
        other_way = (self.down_buttons if steps < 0 else self.up_buttons)[target]
        (other_way if same_way.disabled else same_way).focus()

    def _show_selection(self) -> None:
        """Set the inputs to the state's selection, so a second view of one state agrees."""
        if self.state.selection is not None:
            self._input().show(self, self.state.selection)

    def _show_choice(self, selection: Any) -> None:
        radio = self.inputs[0]
        if selection in [value for _, value in radio.options]:
            radio.value = selection

    def _show_boxes(self, selection: Any) -> None:
        for box, option in zip(self.inputs, self.state.options(), strict=True):
            box.value = isinstance(selection, list) and option.key in selection

    def _show_order(self, selection: Any) -> None:
        """The order's rows are drawn from the state itself."""

    def _show_text(self, selection: Any) -> None:
        self.inputs[0].value = str(selection)

    # -- reading and callbacks --------------------------------------------------------------

    def answer(self) -> Any:
        """The answer the inputs show, in the form ``Question.check`` takes."""
        return self._input().read(self)

    def _read_first(self) -> Any:
        return self.inputs[0].value

    def _read_boxes(self) -> list[str]:
        return [
            option.key
            for box, option in zip(self.inputs, self.state.options(), strict=True)
            if box.value
        ]

    def _read_order(self) -> list[str]:
        return self.state.order()

    def _show(self, area: str, text: str) -> None:
        """Put ``text`` in the feedback, hints or evidence area, making the area on first use.

        Each widget costs a message to the frontend when a quiz displays, so areas that stay
        empty until a button is pressed are not made in advance.
        """
        shown = getattr(self, area)
        if shown is not None:
            shown.value = text
            return
        setattr(self, area, self.look.html_area(text))
        made = [getattr(self, name) for name in _AREAS if getattr(self, name) is not None]
        self.widget.children = [*self._fixed, *made]

    def _check(self, _button: widgets.Button) -> None:
        self.state.select(self.answer())
        outcome = self.state.check()
        self._show("feedback", feedback_html(self.state))
        if self.on_check is not None:
            self.on_check(outcome)

    def _hint(self, _button: widgets.Button) -> None:
        found = self.state.next_hint()
        self._show("hints", hints_html(self.state, none_left=found is None))

    def _evidence(self, _button: widgets.Button) -> None:
        self.state.show_evidence()
        self._show("evidence", evidence_html(self.state))

    def widget_view(self) -> dict:
        """The ``application/vnd.jupyter.widget-view+json`` data that displays this view."""
        return widget_view(self.widget)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)


@dataclass(frozen=True)
class _Input:
    """A widget input a question type may name: how it is built, set from the state, read."""

    build: Callable[[QuestionView], tuple[list[widgets.Widget], widgets.Widget]]
    show: Callable[[QuestionView, Any], None]
    read: Callable[[QuestionView], Any]


#: The inputs by the name a question type gives as its ``widget``.
_INPUTS = {
    "radio": _Input(QuestionView._build_radio, QuestionView._show_choice, QuestionView._read_first),
    "truefalse": _Input(
        QuestionView._build_truefalse, QuestionView._show_choice, QuestionView._read_first
    ),
    "checkboxes": _Input(
        QuestionView._build_checkboxes, QuestionView._show_boxes, QuestionView._read_boxes
    ),
    "order": _Input(QuestionView._build_moves, QuestionView._show_order, QuestionView._read_order),
    "textbox": _Input(
        QuestionView._build_textbox, QuestionView._show_text, QuestionView._read_first
    ),
}


class QuizView:
    """The widget of a quiz: its title and running score, then one view per question."""

    def __init__(self, state: QuizState, title: str) -> None:
        self.state = state
        look = _Look()
        self.score = look.html_area(f"<h3>{_escape(title)}</h3>{score_html(state)}")
        count = len(state.states)
        self.questions = [
            QuestionView(
                question_state,
                on_check=self._update_score,
                heading=message("quiz.question_number", number=number, count=count),
                look=look,
            )
            for number, question_state in enumerate(state.states, start=1)
        ]
        self.title = title
        self.widget = widgets.VBox(
            [self.score, *(view.widget for view in self.questions)], layout=look.plain
        )

    def _update_score(self, _outcome: Any) -> None:
        self.score.value = f"<h3>{_escape(self.title)}</h3>{score_html(self.state)}"

    def widget_view(self) -> dict:
        """The ``application/vnd.jupyter.widget-view+json`` data that displays this view."""
        return widget_view(self.widget)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)
