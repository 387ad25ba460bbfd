"""How questions and quizzes display: a widget in a live notebook, Markdown and text elsewhere.

``show(question)`` and ``quiz(section)`` return display objects whose MIME bundle holds, side by
side, the widget view (in a Jupyter kernel) and static ``text/markdown`` and ``text/plain``
forms: the prompt, the options labeled a, b, c, ... as every learner sees them, where the
evidence is, and the line of code that answers without widgets. nbconvert, GitHub, nbviewer,
PDF and terminals show the static forms. Those forms hold no ids, addresses or times, so saved
outputs compare equal run after run; the widget view's random ``model_id`` is a MIME type nbval
skips by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..engine import _questions
from ..engine._questions import question as find_question
from ..engine._questions import questions as section_questions
from ..engine.session import QuestionState, QuizState, evidence_pairs
from ..engine.types._registry import shape_handler
from ..report._parse import section_title
from ..report._text import markdown_text
from ..report._translated import translation_of
from ..report.datasets import load_report
from ..report.messages import get_language, message, name_of
from . import kernel
from ._wording import header, instruction, quiz_summary

__all__ = ["WIDGET_VIEW", "QuestionDisplay", "Quiz", "Reading", "quiz", "reading", "show"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _options(state: QuestionState) -> list[tuple[str, str]]:
    """(letter, text) of each choice as shown, by the widget input the question's type gives;
    true/false has no letters."""
    widget = state.question.question_type.widget
    return shape_handler(_CHOICES, widget, "display")(state)


def _lettered(state: QuestionState) -> list[tuple[str, str]]:
    return [(option.key, option.text) for option in state.options()]


#: The choices shown in static text, by the widget input a question's type gives.
_CHOICES: dict[str, Callable[[QuestionState], list[tuple[str, str]]]] = {
    "radio": _lettered,
    "checkboxes": _lettered,
    "order": _lettered,
    "truefalse": lambda state: [("", message("widget.true")), ("", message("widget.false"))],
    "textbox": lambda state: [],
}


def _evidence_parts(question: Any) -> tuple[str, str]:
    """The titles of the sections the evidence comes from, and the code that shows the quotes."""
    titles = dict.fromkeys(title for title, _ in evidence_pairs(question))
    return ", ".join(titles), f"tipcourse.question({question.id!r}).show_evidence()"


def _hint_code(question: Any) -> str:
    return f"tipcourse.question({question.id!r}).hint()"


def question_markdown(state: QuestionState) -> str:
    """A question as Markdown, for renderers without widgets."""
    question = state.question

    lines = [
        f"**{markdown_text(header(question))}**",
        "",
        markdown_text(question.prompt),
        "",
        f"*{markdown_text(instruction(question))}*",
        "",
    ]
    options = _options(state)
    for key, text in options:
        lines.append(
            f"- **{markdown_text(key)})** {markdown_text(text)}"
            if key
            else f"- {markdown_text(text)}"
        )
    sections, code = _evidence_parts(question)
    lines += [""] if options else []
    if question.hints:
        lines += [message("widget.static.hint", code=f"`{_hint_code(question)}`"), ""]
    lines += [
        message("widget.static.evidence", sections=markdown_text(sections), code=f"`{code}`"),
        "",
        markdown_text(message("widget.static.answer")),
        "",
        "```python",
        question.answer_code(),
        "```",
    ]
    return "\n".join(lines)


def question_text(state: QuestionState) -> str:
    """A question as plain text, for a terminal."""
    question = state.question
    lines = [header(question), question.prompt, instruction(question)]
    lines += [f"  {key}) {text}" if key else f"  {text}" for key, text in _options(state)]
    sections, code = _evidence_parts(question)
    if question.hints:
        lines.append(message("widget.static.hint", code=_hint_code(question)))
    lines += [
        message("widget.static.evidence", sections=sections, code=code),
        message("widget.static.answer"),
        f"    {question.answer_code()}",
    ]
    return "\n".join(lines)


def _wanted(kind: str, include: Any, exclude: Any) -> bool:
    return (not include or kind in include) and not (exclude and kind in exclude)


class _Displayable:
    """Shared display logic: static forms always, the widget view inside a kernel."""

    _view: Any  # None until view() builds it

    def view(self) -> Any:
        """The widget view, built on first use and then reused."""
        if self._view is None:
            self._view = self._build_view()
        return self._view

    def _build_view(self) -> Any:
        raise NotImplementedError

    def markdown(self) -> str:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.text()

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = {}
        if _wanted("text/plain", include, exclude):
            bundle["text/plain"] = self.text()
        if _wanted("text/markdown", include, exclude):
            bundle["text/markdown"] = self.markdown()
        if _wanted(WIDGET_VIEW, include, exclude) and kernel.in_kernel():
            try:
                view = self.view()
            except ImportError:  # no ipywidgets: the static forms still show
                return bundle
            bundle[WIDGET_VIEW] = view.widget_view()
        return bundle


class QuestionDisplay(_Displayable):
    """One question on screen: :attr:`state` holds what the learner did with it."""

    def __init__(self, state: QuestionState) -> None:
        self.state = state
        self._view = None

    @property
    def question(self) -> Any:
        return self.state.question

    def _build_view(self) -> Any:
        from .widgets import QuestionsView

        return QuestionsView.of_question(self.state)

    def markdown(self) -> str:
        return question_markdown(self.state)

    def text(self) -> str:
        return question_text(self.state)

    def __repr__(self) -> str:
        return f"<QuestionDisplay {self.question.id}>"


class Quiz(_Displayable):
    """A set of questions shown together with a running score; :attr:`state` is the model."""

    def __init__(self, state: QuizState, title: str) -> None:
        self.state = state
        self.title = title
        self._view = None

    def _build_view(self) -> Any:
        from .widgets import QuestionsView

        return QuestionsView.of_quiz(self.state, self.title)

    def _numbered(self) -> list[tuple[str, QuestionState]]:
        count = len(self.state.states)
        return [
            (message("quiz.question_number", number=number, count=count), state)
            for number, state in enumerate(self.state.states, start=1)
        ]

    def markdown(self) -> str:
        summary, score = quiz_summary(self.state)
        parts = [f"### {markdown_text(self.title)}", "", summary, "", score]
        for heading, state in self._numbered():
            parts += ["", "---", "", f"#### {heading}", "", question_markdown(state)]
        return "\n".join(parts)

    def text(self) -> str:
        summary, score = quiz_summary(self.state)
        parts = [self.title, "=" * len(self.title), summary, score]
        for heading, state in self._numbered():
            parts += ["", heading, "-" * len(heading), question_text(state)]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"<Quiz {self.title!r}: {len(self.state.states)} questions>"


def show(question: Any) -> QuestionDisplay:
    """Display one question (a Question or its id) with Check, Hint and Show evidence buttons."""
    found = find_question(question) if isinstance(question, str) else question
    return QuestionDisplay(QuestionState(found))


_questions.display_hook = show


def quiz(section: str | Iterable[Any] | None = None) -> Quiz:
    """A section's questions as one quiz with a running score: ``tipcourse.quiz("prosecution")``.

    ``section`` may also be a list of questions or question ids; None takes every question.
    """
    if isinstance(section, str):
        chosen = section_questions(section)
        title = message("quiz.title", title=section_title(section))
    else:
        items = section_questions() if section is None else list(section)
        chosen = [find_question(item) if isinstance(item, str) else item for item in items]
        title = message("quiz.title_mixed")
    return Quiz(QuizState(chosen), title)


class Reading:
    """Paragraphs of the report, quoted with where they come from: ``tipcourse.reading(...)``."""

    def __init__(self, section: str, paragraphs: list[tuple[int, str]]) -> None:
        self.section = section
        self.paragraphs = paragraphs

    def _cite(self, number: int) -> str:
        report = load_report()
        return message(
            "reading.cite",
            year=report.year,
            country=name_of("reading.country", report.country),
            section=section_title(self.section),
            number=number + 1,
        )

    def markdown(self) -> str:
        """Each paragraph quoted with its source, and the course's translation under it where
        the course is shown in another language than the report's."""
        parts = []
        for number, text, translated in self._with_translations():
            parts.append(f"> {markdown_text(text)}\n>\n> — *{self._cite(number)}*")
            if translated:
                label = message("translation.label")
                parts.append(f"*{label}* {markdown_text(translated)}")
        return "\n\n".join(parts)

    def text(self) -> str:
        parts = []
        for number, text, translated in self._with_translations():
            parts.append(f"{text}\n  — {self._cite(number)}")
            if translated:
                parts.append(f"{message('translation.label')} {translated}")
        return "\n\n".join(parts)

    def _with_translations(self) -> list[tuple[int, str, str | None]]:
        """Each paragraph with the course's translation in the language in use (None in the
        report's own language, English)."""
        language = get_language()
        return [(n, text, translation_of(text, language)) for n, text in self.paragraphs]

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return self.text()


def reading(section: str, paragraph: int | Iterable[int] | None = None) -> Reading:
    """Paragraphs of a section of the report, quoted with their source, numbered from 1.

    ``tipcourse.reading("prosecution")`` quotes the whole section; ``reading("prosecution", 2)``
    its second paragraph; ``reading("protection", [1, 2])`` the first two.
    """
    sections = load_report().sections
    if section not in sections:
        raise ValueError(
            message("reading.no_section", section=section, sections=", ".join(sections))
        )
    found = sections[section]
    count = len(found.paragraphs)
    if paragraph is None:
        numbers = list(range(1, count + 1))
    elif isinstance(paragraph, int):
        numbers = [paragraph]
    else:
        numbers = list(paragraph)
    for number in numbers:
        if not 1 <= number <= count:
            raise ValueError(
                message("reading.no_paragraph", section=section, number=number, count=count)
            )
    return Reading(section, [(number - 1, found.paragraphs[number - 1]) for number in numbers])
