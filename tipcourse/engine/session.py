"""The state of answering questions, kept apart from any widget so tests can drive it.

A :class:`QuestionState` holds what a learner has done with one question: the current selection, the
usable checks made, the hints and evidence shown and the last outcome. A :class:`QuizState` holds
the states of a set of questions and their running score, and :func:`next_hint_number` counts the
hints each learner has seen of each exercise in this session. Widgets
(:mod:`tipcourse.views.widgets`) are thin views on these objects; this module imports no widgets.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from ..report._parse import section_title
from ..report._text import markdown_text
from ..report.datasets import load_report
from ..report.messages import message
from ._store import current_learner
from .outcome import Outcome

__all__ = [
    "Evidence",
    "Hint",
    "QuestionState",
    "QuizState",
    "evidence_pairs",
    "forget_hints",
    "next_hint",
    "next_hint_number",
]

# Hints shown so far, by (learner, exercise id): in this session, never on a shared exercise.
_hints_shown: dict[tuple[str, str], int] = {}


def next_hint_number(item_id: str, total: int) -> int | None:
    """The number (from 1) of the next of ``total`` hints of ``item_id``; None after the last."""
    key = (current_learner(), item_id)
    shown = _hints_shown.get(key, 0)
    if shown >= total:
        return None
    _hints_shown[key] = shown + 1
    return shown + 1


def forget_hints() -> None:
    """Start counting hints from zero again, for every learner and exercise."""
    _hints_shown.clear()


class Hint(str):
    """A hint: plain text that a notebook shows as Markdown."""

    def _repr_markdown_(self) -> str:
        return str(self)


def next_hint(item: Any, no_more: str) -> Hint:
    """The next hint of a question or exercise, numbered; after the last, message ``no_more``."""
    total = len(item.hints)
    number = next_hint_number(item.id, total)
    if number is None:
        return Hint(message(no_more, total=total, id=item.id))
    return Hint(message("exercise.hint", number=number, total=total, text=item.hints[number - 1]))


class Evidence:
    """The report's sentences that support an item's answer, quoted with their section (and
    the course's translation where the course is shown in another language)."""

    def __init__(self, item: Any) -> None:
        translations = item.evidence_translation
        self.quotes = [
            (quote, title, translations[n] if n < len(translations) else "")
            for n, (title, quote) in enumerate(evidence_pairs(item))
        ]

    def markdown(self) -> str:
        parts = [f"**{markdown_text(message('widget.evidence_heading'))}**"]
        for quote, title, translated in self.quotes:
            place = message("widget.evidence_source", section=title)
            parts.append(f"> {markdown_text(quote)}\n>\n> — *{markdown_text(place)}*")
            if translated:
                parts.append(f"*{message('translation.label')}* {markdown_text(translated)}")
        return "\n\n".join(parts)

    def text(self) -> str:
        parts = [message("widget.evidence_heading")]
        for quote, title, translated in self.quotes:
            parts.append(f"“{quote}”\n  — {message('widget.evidence_source', section=title)}")
            if translated:
                parts.append(f"{message('translation.label')} {translated}")
        return "\n\n".join(parts)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return self.text()


def evidence_pairs(question: Any) -> list[tuple[str, str]]:
    """Each evidence quote of ``question`` with the title of the report section that holds it."""
    sections = _quote_sections(question.section, tuple(question.evidence))
    titles = [section_title(section) for section in sections]
    return list(zip(titles, question.evidence, strict=True))


@functools.cache
def _quote_sections(section: str, quotes: tuple[str, ...]) -> tuple[str, ...]:
    """The section of each quote; searching the report is slow, so it is done once."""
    report = load_report()
    found = [report.locate(quote) for quote in quotes]
    return tuple(where.section if where else section for where in found)


def _cleaned(value: Any) -> Any:
    """A selection without blank entries; an empty one means "no answer yet" (None)."""
    if isinstance(value, (list, tuple)):
        kept = [item for item in value if item is not None and item != ""]
        return kept or None
    return value


class QuestionState:
    """One question as a learner works on it: selection, attempts, hints, evidence, feedback.

    ``selection`` uses the same forms as ``Question.check``: an option key for single choice,
    a list of keys for multiple choice and order, True or False, or text for numbers and words.
    """

    def __init__(self, question: Any) -> None:
        self.question = question
        self.selection: Any = None
        self.attempts = 0
        self.hints_shown = 0
        self.evidence_shown = False
        self.feedback: Outcome | None = None
        self.best_score = 0.0

    def options(self) -> list[Any]:
        """The question's options in the order every learner sees them, labeled a, b, c, ..."""
        return list(self.question.options)

    def select(self, value: Any) -> None:
        """Take ``value`` as the learner's current answer; blank entries of a list are dropped."""
        self.selection = _cleaned(value)

    def order(self) -> list[str]:
        """For an ordering question, the keys in the order chosen so far; at first, as shown."""
        keys = [option.key for option in self.options()]
        chosen = self.selection
        if isinstance(chosen, list) and sorted(chosen) == sorted(keys):
            return list(chosen)
        return keys

    def move(self, position: int, steps: int) -> int:
        """Move the item at ``position`` (from 0) by ``steps``: negative is up, toward first.

        The new order becomes the selection; returns the item's new position.
        """
        order = self.order()
        target = min(max(position + steps, 0), len(order) - 1)
        order.insert(target, order.pop(position))
        self.select(order)
        return target

    def check(self, how: str | None = None) -> Outcome:
        """Check the selection (recording a usable attempt); only usable answers count.

        ``how`` is the advice after a missing or badly formed answer (see ``Question.check``).
        """
        outcome = self.question.check(self.selection, how=how)
        self.feedback = outcome
        if outcome.correct is not None:
            self.attempts += 1
            self.best_score = max(self.best_score, outcome.score)
        return outcome

    @property
    def hints(self) -> tuple[str, ...]:
        """The hints shown so far, in order."""
        return tuple(self.question.hints[: self.hints_shown])

    def next_hint(self) -> str | None:
        """The next hint, one per call; None once every hint has been shown."""
        if self.hints_shown >= len(self.question.hints):
            return None
        self.hints_shown += 1
        return self.question.hints[self.hints_shown - 1]

    def show_evidence(self) -> list[tuple[str, str]]:
        """The quotes that support the answer, each as (section title, quote)."""
        self.evidence_shown = True
        return evidence_pairs(self.question)

    @property
    def points(self) -> float:
        """The points this question is worth."""
        return float(self.question.points)

    @property
    def earned(self) -> float:
        """Points earned: the best score of any check times the question's points."""
        return self.best_score * self.points


class QuizState:
    """A set of questions answered together, with a running score."""

    def __init__(self, questions: Iterable[Any]) -> None:
        self.states = [QuestionState(question) for question in questions]

    @property
    def total_points(self) -> float:
        """The points all the questions are worth together."""
        return sum(state.points for state in self.states)

    @property
    def earned(self) -> float:
        """The points earned so far: each question's best score times its points."""
        return sum(state.earned for state in self.states)

    @property
    def score(self) -> float:
        """The running score from 0 to 1: points earned over all points."""
        total = self.total_points
        return self.earned / total if total else 0.0

    @property
    def answered(self) -> int:
        """How many questions have had at least one usable check."""
        return sum(state.attempts > 0 for state in self.states)

    @property
    def correct(self) -> int:
        """How many questions have been answered correctly at least once."""
        return sum(state.best_score == 1.0 for state in self.states)
