"""The widget of a question or a quiz: one anywidget whose view is ``question.js``.

The browser renders; Python checks. The widget's ``spec`` (sent once) holds what the page shows
before any answer: prompts, options, the interface's words, and nothing of a key (no answer,
feedback, hint, explanation or evidence). The view sends ``{"action", "question", "answer"}``
messages; :class:`QuestionsView` passes each to the question's
:class:`~tipcourse.engine.session.QuestionState` and sends back ``states``: per question, the
last feedback, the hints asked for and the evidence once asked for, rendered here (Markdown
included) so the view only places them. Importing this module imports anywidget and ipywidgets;
``import tipcourse`` does not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..engine._sqlite import told
from ..engine.outcome import render_text
from ..engine.session import Evidence, QuestionState, QuizState
from ..engine.types._registry import shape_handler
from ..report.messages import get_language, message
from ._wording import instruction, placing, quiz_summary

__all__ = [
    "QuestionsView",
    "QuestionsWidget",
    "markdown_html",
    "question_spec",
    "question_status",
    "quiz_numbers",
    "view_labels",
    "widget_view",
]

_HERE = Path(__file__).parent
#: The interface's words the view needs, by the name the view uses.
_LABELS = {
    "check": "widget.check",
    "hint": "widget.hint",
    "evidence": "widget.evidence",
    "true": "widget.true",
    "false": "widget.false",
    "answer": "widget.label.answer",
    "choices": "widget.label.choices",
    "order": "widget.label.order",
    "up": "widget.order.up",
    "down": "widget.order.down",
    "move_up": "widget.order.move_up",
    "move_down": "widget.order.move_down",
    "moved": "widget.order.moved",
    "evidence_heading": "widget.evidence_heading",
    "translation": "translation.label",
}

#: The placeholders the view fills in itself (an order's moves), kept as they are.
_FILLED_IN_VIEW = {name: "{" + name + "}" for name in ("item", "position", "count")}


def _read_text(value: Any) -> Any:
    return value if isinstance(value, str) else None


def _read_truth(value: Any) -> Any:
    return value if isinstance(value, bool) else None


def _read_keys(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(key, str) for key in value):
        return value
    return None


#: How the answer a view sends is read, by the input a question's type names; anything else
#: the browser might send is no answer.
_ANSWERS: dict[str, Callable[[Any], Any]] = {
    "radio": _read_text,
    "truefalse": _read_truth,
    "checkboxes": _read_keys,
    "order": _read_keys,
    "textbox": _read_text,
}


class QuestionsWidget(anywidget.AnyWidget):
    """One or more questions in the browser; ``question.js`` renders them."""

    _esm = _HERE / "question.js"
    _css = _HERE / "question.css"
    spec = traitlets.Dict().tag(sync=True)
    states: traitlets.List[dict] = traitlets.List().tag(sync=True)
    score = traitlets.Unicode("").tag(sync=True)


def widget_view(widget: Any) -> dict:
    """The widget-view MIME data of ``widget``, without a ``text/plain`` repr of its state."""
    return {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}


@functools.cache
def _markdown() -> Callable[[str], str]:
    import mistune  # comes with JupyterLab (through nbconvert)

    return mistune.create_markdown(escape=True)  # type: ignore[return-value]


def markdown_html(text: str) -> str:
    """``text`` (Markdown from a bank) as HTML; HTML in the text is escaped, not kept."""
    return _markdown()(text).strip()


def view_labels() -> dict[str, str]:
    """The interface's words the view shows, in the language in use (an order's moves keep
    their placeholders, which the view fills in)."""
    return {name: message(key, **_FILLED_IN_VIEW) for name, key in _LABELS.items()}


def quiz_numbers(count: int) -> list[str]:
    """How a quiz numbers its ``count`` questions: "Question 1 of 12", ..."""
    return [
        message("quiz.question_number", number=number, count=count)
        for number in range(1, count + 1)
    ]


def question_spec(state: QuestionState, number: str = "") -> dict[str, Any]:
    """What the view shows of a question before any answer: nothing of its key."""
    question = state.question
    kind = question.question_type
    shape_handler(_ANSWERS, kind.widget, "widgets")  # a shape the view does not know is an error
    return {
        "id": question.id,
        "number": number,
        "header": placing(question),
        "prompt": question.prompt,
        "instruction": instruction(question),
        "input": kind.widget,
        "options": [{"key": option.key, "text": option.text} for option in state.options()],
        "placeholder": kind.words("widget.placeholder") if kind.widget == "textbox" else "",
    }


def _feedback(state: QuestionState) -> dict[str, str] | None:
    outcome = state.feedback
    if outcome is None:
        return None
    return {
        "status": outcome.status,
        "result": render_text(replace(outcome, message="")),
        "advice": markdown_html(outcome.message),
        "attempts": message("widget.attempts", count=state.attempts),
    }


def _evidence(state: QuestionState) -> list[dict[str, str]] | None:
    if not state.evidence_shown:
        return None
    return [
        {
            "quote": quote,
            "place": message("widget.evidence_source", section=title),
            "translation": translation,
        }
        for quote, title, translation in Evidence(state.question).quotes
    ]


def question_status(
    state: QuestionState, checks: int, hints_note: str, notice: str = ""
) -> dict[str, Any]:
    """What the learner has done with a question, as the view shows it; ``notice``: what the
    progress store said while the last action was handled (an attempt it could not save)."""
    total = len(state.question.hints)
    hints = [
        markdown_html(f"{message('widget.hint_numbered', number=number, total=total)} {hint}")
        for number, hint in enumerate(state.hints, start=1)
    ]
    selection = state.selection
    return {
        "selection": selection if isinstance(selection, (str, bool, list)) else None,
        "checks": checks,
        "feedback": _feedback(state),
        "hints": hints,
        "hints_note": hints_note,
        "evidence": _evidence(state),
        "notice": notice,
    }


class QuestionsView:
    """The widget of some questions; a quiz adds a title and a running score.

    Each message from the view is one action on one question's state; every reply is the whole
    ``states`` list, so the view always shows what the states hold.
    """

    def __init__(
        self,
        states: Sequence[QuestionState],
        title: str = "",
        numbers: Sequence[str] = (),
        quiz: QuizState | None = None,
    ) -> None:
        self.question_states = list(states)
        self.quiz = quiz
        self.checks = [0] * len(self.question_states)
        self.notes = [""] * len(self.question_states)
        self.notices = [""] * len(self.question_states)
        spec = {
            "lang": get_language(),
            "report_lang": "en",
            "title": title,
            "summary": quiz_summary(quiz)[0] if quiz else "",
            "labels": view_labels(),
            "questions": [
                question_spec(state, numbers[index] if numbers else "")
                for index, state in enumerate(self.question_states)
            ],
        }
        self.widget = QuestionsWidget(spec=spec, states=self._states(), score=self._score())
        self.widget.on_msg(self._receive)

    def _states(self) -> list[dict[str, Any]]:
        return [
            question_status(state, checks, note, notice)
            for state, checks, note, notice in zip(
                self.question_states, self.checks, self.notes, self.notices, strict=True
            )
        ]

    def _score(self) -> str:
        return quiz_summary(self.quiz)[1] if self.quiz else ""

    def act(self, action: str, index: int, answer: Any = None) -> None:
        """Do what the view asks (``check``, ``hint`` or ``evidence``) to question ``index``."""
        state = self.question_states[index]
        # What the progress store says (an attempt it cannot save) goes to the kernel's log,
        # which a learner never sees from a widget's message: the view shows it too.
        with told() as heard:
            if action == "check":
                read = _ANSWERS[state.question.question_type.widget]
                state.select(read(answer))
                state.check(how=instruction(state.question))
                self.checks[index] += 1
            elif action == "hint":
                found = state.next_hint()
                if found is None:
                    none = not state.question.hints
                    key = "widget.no_hints" if none else "widget.no_more_hints"
                    self.notes[index] = message(key)
            elif action == "evidence":
                state.show_evidence()
        if heard:
            self.notices[index] = " ".join(heard)
        self.widget.states = self._states()
        self.widget.score = self._score()

    def _receive(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """A message from the view; one of another form (or for no question) is ignored."""
        if not isinstance(content, dict):
            return
        index, action = content.get("question"), content.get("action")
        if type(index) is not int or not 0 <= index < len(self.question_states):
            return
        if action in ("check", "hint", "evidence"):
            self.act(action, index, content.get("answer"))

    @classmethod
    def of_question(cls, state: QuestionState) -> QuestionsView:
        """The widget of one question."""
        return cls([state])

    @classmethod
    def of_quiz(cls, state: QuizState, title: str) -> QuestionsView:
        """The widget of a quiz: its title, size and running score, then its questions."""
        return cls(state.states, title, quiz_numbers(len(state.states)), quiz=state)

    def widget_view(self) -> dict:
        """The ``application/vnd.jupyter.widget-view+json`` data that displays this view."""
        return widget_view(self.widget)
