"""``single``: one option letter, e.g. ``"b"`` (case, spaces and brackets ignored)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..outcome import Outcome
from ._base import Form, one_key, right, wrong
from ._lettered import LetteredType

__all__ = ["Single"]


class Single(LetteredType):
    """One right option among those shown."""

    name: ClassVar[str] = "single"
    widget: ClassVar[str] = "radio"
    lms: ClassVar[str] = "single_choice"
    counts_options: ClassVar[bool] = True

    def parse(self, answer: Any, form: Form) -> str:
        return one_key(answer, form.letters)

    def score(self, question: Any, parsed: str) -> Outcome:
        if parsed == question.answer:
            return right(question)
        return wrong(next(option.feedback for option in question.options if option.key == parsed))
