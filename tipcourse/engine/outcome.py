"""What a check returns: a typed outcome, and plain renderers that turn it into text or Markdown.

A check never raises on what a learner types; it returns an :class:`Outcome` whose ``status`` says
what happened and whose ``message`` says what to do next. Widgets render outcomes elsewhere; this
module imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..report.messages import message
from . import _store

__all__ = [
    "STATUSES",
    "Outcome",
    "correct",
    "incorrect",
    "invalid",
    "partial",
    "record",
    "render_markdown",
    "render_text",
    "unanswered",
]

#: Every status an outcome can have, and the value of ``Outcome.correct`` that goes with it.
STATUSES = {
    "correct": True,
    "partial": False,
    "incorrect": False,
    "unanswered": None,
    "invalid": None,
}
_SYMBOLS = {"correct": "✓", "partial": "✗", "incorrect": "✗", "unanswered": "–", "invalid": "–"}


@dataclass(frozen=True, repr=False)
class Outcome:
    """The result of checking one answer.

    ``status`` is "correct", "partial", "incorrect", "unanswered" (nothing given yet) or
    "invalid" (the input could not be read as an answer). ``correct`` is True, False, or None
    when there was no usable answer; ``score`` runs from 0 to 1; ``message`` says what to do next.
    """

    status: str
    correct: bool | None
    score: float
    message: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(
                f"unknown outcome status {self.status!r}: use one of {', '.join(STATUSES)}"
            )
        if self.correct is not STATUSES[self.status]:
            raise ValueError(
                f"an outcome with status {self.status!r} must have correct={STATUSES[self.status]}"
            )
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must be between 0 and 1, not {self.score}")

    def __str__(self) -> str:
        return render_text(self)

    def __repr__(self) -> str:
        """A notebook without Markdown, or a terminal, shows the outcome in words."""
        return render_text(self)

    def _repr_markdown_(self) -> str:
        return render_markdown(self)


def correct(text: str) -> Outcome:
    """A fully correct answer."""
    return Outcome("correct", True, 1.0, text)


def incorrect(text: str) -> Outcome:
    """A usable answer that is wrong."""
    return Outcome("incorrect", False, 0.0, text)


def partial(score: float, text: str) -> Outcome:
    """A usable answer that earns part of the credit; with no credit at all it is incorrect."""
    score = min(1.0, max(0.0, float(score)))
    if score == 0.0:
        return incorrect(text)
    return Outcome("partial", False, score, text)


def unanswered(text: str) -> Outcome:
    """Nothing was given yet (None, ``...`` or blank text)."""
    return Outcome("unanswered", None, 0.0, text)


def invalid(text: str) -> Outcome:
    """The input cannot be read as an answer; the message says what was wrong with it."""
    return Outcome("invalid", None, 0.0, text)


def label(outcome: Outcome) -> str:
    """The symbol and word for an outcome's status, e.g. "✓ Correct"."""
    return f"{_SYMBOLS[outcome.status]} {message('outcome.label.' + outcome.status)}"


def render_text(outcome: Outcome) -> str:
    """Plain text: the symbol, the word, the score when partly right, and the message."""
    head = label(outcome)
    if outcome.status == "partial":
        head += " " + message("outcome.score", score=outcome.score)
    return f"{head}: {outcome.message}" if outcome.message else head


def render_markdown(outcome: Outcome) -> str:
    """Markdown: the symbol and word in bold, then the message."""
    head = f"**{label(outcome)}**"
    if outcome.status == "partial":
        head += " " + message("outcome.score", score=outcome.score)
    return f"{head}: {outcome.message}" if outcome.message else head


def record(outcome: Outcome, *, item_id: str, section: str, kind: str) -> Outcome:
    """Record a usable attempt in the learner's progress; unusable input is not an attempt.

    ``_store.record_attempt`` never raises: a progress store that cannot be written (a full
    disk, a locked database) keeps the attempt in memory and says so in one line, so the
    outcome always reaches the learner.
    """
    if outcome.correct is not None:
        _store.record_attempt(
            item_id=item_id,
            section=section,
            correct=outcome.correct,
            score=outcome.score,
            kind=kind,
        )
    return outcome
